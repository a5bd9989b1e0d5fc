package io.tidemark.http;

/**
 * A request parameter that is missing or invalid: answered 400 with a JSON body naming the
 * parameter.
 */
public final class BadParameterException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String parameter;

  public BadParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The offending parameter's name. */
  public String parameter() {
    return parameter;
  }
}
