package dev.gantry.model.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfflineReviewTest {
  @Test
  void real_risks_are_found_at_their_lines_and_look_alikes_are_not() {
    Map<String, String> reads = Map.of(
        "template.yaml", "Resources:\n  Sg:\n    Properties:\n      CidrIp: 0.0.0.0/0\n",
        "pom.xml", "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n",
        "src/Config.java", "static final String API_KEY = \"GANTRY_MODEL_API_KEY\";\nString cidr = \"0.0.0.0/0\";\n",
        "src/app.py", "import os\napi_key = \"sk-live-1234567890abcdef\"\n");

    List<OfflineReview.Finding> findings = OfflineReview.findings(reads, Map.of());

    assertThat(findings).extracting(f -> f.file() + ":" + f.line())
        .containsExactlyInAnyOrder("src/app.py:2", "template.yaml:4");
  }

  @Test
  void search_hits_in_test_code_are_fixtures_not_findings() {
    int todo = OfflineReview.searchPatterns().size() - 1;
    String hits = "src/test/java/AppTest.java:3: // TODO fixture\nsrc/main/java/App.java:7: // TODO retry on throttling\n";

    assertThat(OfflineReview.findings(Map.of(), Map.of(todo, hits))).extracting(f -> f.file() + ":" + f.line())
        .containsExactly("src/main/java/App.java:7");
  }
}
