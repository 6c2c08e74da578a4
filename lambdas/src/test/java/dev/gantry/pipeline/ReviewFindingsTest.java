package dev.gantry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.pipeline.ReviewFindings.Priority;
import dev.gantry.repo.RepositorySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewFindingsTest {
  @TempDir Path repository;
  RepositorySnapshot snapshot;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(repository.resolve("src"));
    Files.writeString(repository.resolve("src/app.py"), "import os\n\nKEY = 'abc'\nprint(KEY)\n"); // 4 lines
    Files.writeString(repository.resolve("README.md"), "# App\nno final newline"); // 2 lines
    snapshot = new RepositorySnapshot(repository, 1_000_000, 1000);
  }

  private static String finding(String priority, String file, int start, int end) {
    return """
        {"priority": "%s", "location": {"file": "%s", "startLine": %d, "endLine": %d},
         "problem": "a key in code", "why": "anyone can read it", "alternative": "read it from Secrets Manager"}"""
        .formatted(priority, file, start, end);
  }

  @Test
  void findings_at_real_lines_of_real_files_are_usable_and_counted_by_priority() {
    String json = "{\"findings\": [" + finding("critical", "src/app.py", 3, 3) + "," + finding("low", "README.md", 1, 2) + "]}";

    assertThat(ReviewFindings.problems(json, snapshot)).isEmpty();
    assertThat(ReviewFindings.counts(json)).containsEntry(Priority.CRITICAL, 1).containsEntry(Priority.LOW, 1)
        .containsEntry(Priority.HIGH, 0).containsEntry(Priority.MEDIUM, 0);
    assertThat(ReviewFindings.problems("{\"findings\": []}", snapshot)).as("an empty review is a review").isEmpty();
  }

  @Test
  void a_finding_outside_the_snapshot_or_its_lines_is_named_with_what_is_wrong() {
    String json = "{\"findings\": [" + String.join(",",
        finding("high", "src/missing.py", 1, 1),
        finding("high", "src/app.py", 3, 9),
        finding("urgent", "src/app.py", 1, 1),
        finding("low", "../etc/passwd", 1, 1),
        finding("low", "src/app.py", 4, 2)) + "]}";

    assertThat(ReviewFindings.problems(json, snapshot)).containsExactly(
        "finding 1: src/missing.py: no such file: src/missing.py",
        "finding 2: src/app.py has 4 lines; lines 3-9 are not a range within it",
        "finding 3: priority 'urgent' is not one of critical, high, medium, low",
        "finding 4: ../etc/passwd: '..' is not allowed in paths: ../etc/passwd",
        "finding 5: src/app.py has 4 lines; lines 4-2 are not a range within it");
  }

  @Test
  void text_that_is_not_the_findings_shape_is_refused_with_the_reason() {
    assertThat(ReviewFindings.problems("- critical: key in code", snapshot)).singleElement().asString().startsWith("not JSON");
    assertThat(ReviewFindings.problems("[]", snapshot)).containsExactly("no 'findings' list at the top level");
    assertThat(ReviewFindings.problems("{\"findings\": [{\"priority\": \"low\", \"location\": {\"file\": \"README.md\","
        + " \"startLine\": 1, \"endLine\": 1}}]}", snapshot))
        .containsExactly("finding 1: 'problem' is missing or empty", "finding 1: 'why' is missing or empty",
            "finding 1: 'alternative' is missing or empty");
  }
}
