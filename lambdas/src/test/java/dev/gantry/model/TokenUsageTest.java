package dev.gantry.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import org.junit.jupiter.api.Test;

class TokenUsageTest {
  @Test
  void the_api_shows_cost_in_usd_and_the_cache_read_share_and_a_stored_usage_reads_back() {
    TokenUsage usage = new TokenUsage(1650, 1860, 4500, 4500, 51_075);

    JsonNode json = Json.tree(Json.write(usage));

    assertThat(json.path("costUsd").asDouble()).isEqualTo(0.051075);
    assertThat(json.path("cacheReadShare").asDouble()).isEqualTo(4500.0 / (1650 + 4500 + 4500));
    assertThat(Json.read(Json.write(usage), TokenUsage.class)).isEqualTo(usage);
    assertThat(Json.read("{\"inputTokens\":10,\"outputTokens\":5}", TokenUsage.class))
        .as("sessions stored before cache and cost were recorded").isEqualTo(new TokenUsage(10, 5));
  }

  @Test
  void sonnet_prices_apply_to_its_cross_region_profiles_and_unknown_models_have_none() {
    ModelPrices.Price sonnet = ModelPrices.of("eu.anthropic.claude-sonnet-4-20250514-v1:0").orElseThrow();

    assertThat(sonnet.costMicrodollars(new TokenUsage(1_000_000, 0, 0, 0, 0))).isEqualTo(3_000_000);
    assertThat(sonnet.costMicrodollars(new TokenUsage(0, 0, 1_000_000, 0, 0))).isEqualTo(300_000);
    assertThat(ModelPrices.of("vendor.unknown-model")).isEmpty();
  }
}
