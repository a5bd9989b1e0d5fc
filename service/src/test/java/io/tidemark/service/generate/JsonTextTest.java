package io.tidemark.service.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.json.JsonMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  private static final JsonMapper JSON = new JsonMapper();

  @Property(tries = 300)
  void quotedStringsReadBackUnchanged(@ForAll String value) throws Exception {
    assertEquals(value, JSON.readTree(JsonText.quote(value)).textValue());
  }

  @Property(tries = 200)
  void quotedStringsHaveNoRawControlCharacters(@ForAll String value) {
    for (char c : JsonText.quote(value).toCharArray()) {
      assertEquals(true, c >= 0x20, () -> "raw control character in " + JsonText.quote(value));
    }
  }

  @Test
  void idsArePaddedToTheWidth() {
    assertEquals("c-0000001", JsonText.paddedId("c-", 1, 7));
    assertEquals("c-1234567", JsonText.paddedId("c-", 1234567, 7));
    assertEquals("c-12345678", JsonText.paddedId("c-", 12345678, 7));
  }

  @Test
  void amountsHaveTwoDecimals() {
    assertEquals("12.50", JsonText.amount(1250));
    assertEquals("0.07", JsonText.amount(7));
    assertEquals("9999.99", JsonText.amount(999_999));
  }
}
