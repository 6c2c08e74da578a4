package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.session.InvalidRequestException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void a_full_bucket_passes_its_burst_then_refills_at_its_rate() {
    // GIVEN a bucket of 3 gaining 2 tokens a second
    AtomicLong now = new AtomicLong(0);
    TokenBucket bucket = new TokenBucket(2, 3, now::get);

    // WHEN 4 requests arrive at once THEN 3 pass and the 4th waits half a second
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isEqualTo(SECOND / 2);

    // AND after half a second one passes again; never more than the burst accumulates
    now.addAndGet(SECOND / 2);
    assertThat(bucket.tryTake()).isZero();
    now.addAndGet(60 * SECOND);
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryTake()).isZero();
    }
    assertThat(bucket.tryTake()).isPositive();
  }

  @Test
  void retry_after_is_whole_seconds_and_at_least_one() {
    LocalApiServer.RateLimit limit = new LocalApiServer.RateLimit(50, 100);
    assertThat(LocalApiServer.tooManyRequests(1, "/sessions", limit).headers()).containsEntry("Retry-After", "1");
    assertThat(LocalApiServer.tooManyRequests(SECOND + 1, "/sessions", limit).headers()).containsEntry("Retry-After", "2");
    assertThat(LocalApiServer.tooManyRequests(SECOND, "/sessions", limit).status()).isEqualTo(429);
  }

  @Test
  void the_limit_comes_from_the_environment_with_defaults() {
    assertThat(LocalApiServer.RateLimit.fromEnvironment(Map.of())).isEqualTo(new LocalApiServer.RateLimit(50, 100));
    assertThat(LocalApiServer.RateLimit.fromEnvironment(Map.of("GANTRY_SERVE_RATE", "0.5", "GANTRY_SERVE_BURST", "7")))
        .isEqualTo(new LocalApiServer.RateLimit(0.5, 7));
    assertThatThrownBy(() -> LocalApiServer.RateLimit.fromEnvironment(Map.of("GANTRY_SERVE_RATE", "fast")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("GANTRY_SERVE_RATE");
    assertThatThrownBy(() -> LocalApiServer.RateLimit.fromEnvironment(Map.of("GANTRY_SERVE_BURST", "0")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("GANTRY_SERVE_BURST");
  }
}
