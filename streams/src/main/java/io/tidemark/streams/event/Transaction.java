package io.tidemark.streams.event;

/**
 * A card transaction (SPEC §1, topic {@code transactions}). Created only by the decoder, so every
 * field is valid: {@code country} is two ASCII letters in upper case, {@code amount} is finite and
 * non-negative.
 *
 * @param txnId issuer-assigned, globally unique id
 * @param userId the card holder
 * @param amount the amount, finite and {@code >= 0}
 * @param currency the currency as sent, or {@code null} when absent (not validated)
 * @param country ISO-style country code, upper case
 * @param ts event time, epoch milliseconds
 */
public record Transaction(
    String txnId, String userId, double amount, String currency, String country, long ts) {}
