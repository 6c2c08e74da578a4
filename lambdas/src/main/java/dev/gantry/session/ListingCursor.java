package dev.gantry.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The opaque cursor of a session listing: base64url of {@code partition|createdOrder}. It carries no
 * table key a client could forge into another query: the store rebuilds the key from these two
 * values, and a cursor from another status's listing is refused.
 */
final class ListingCursor {
  private static final Pattern CREATED_ORDER =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z#[0-9a-fA-F-]{36}");

  private ListingCursor() {}

  static String encode(String partition, String createdOrder) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((partition + "|" + createdOrder).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @return the {@code createdOrder} to continue after
   * @throws InvalidRequestException for a malformed cursor or one of another listing
   */
  static String decode(String cursor, String partition) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    int bar = text.indexOf('|');
    if (bar < 0 || !CREATED_ORDER.matcher(text.substring(bar + 1)).matches()) {
      throw invalid();
    }
    if (!text.substring(0, bar).equals(partition)) {
      throw new InvalidRequestException("cursor", "this cursor belongs to a listing with another status filter: repeat that filter or start without a cursor");
    }
    return text.substring(bar + 1);
  }

  private static InvalidRequestException invalid() {
    return new InvalidRequestException("cursor", "the cursor is not one this API issued: pass nextCursor from the previous page unchanged");
  }
}
