package dev.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolMappingTest {

  @Test
  void claude_code_tools_map_to_gantry_tools() {
    ToolMapping.Selection selection =
        ToolMapping.select(Optional.of(List.of("Read", "Glob", "LS", "Grep", "Write", "Edit", "MultiEdit")));

    assertThat(selection.offered()).isEqualTo(GantryTool.selectable());
    assertThat(selection.dropped()).isEmpty();
  }

  @Test
  void shell_web_and_mcp_tools_are_dropped_with_a_reason() {
    ToolMapping.Selection selection =
        ToolMapping.select(Optional.of(List.of("Read", "Bash", "WebSearch", "WebFetch", "mcp__context7__docs", "Teleport")));

    assertThat(selection.offered()).containsExactly(GantryTool.READ_FILE);
    assertThat(selection.dropped()).extracting(ToolMapping.DroppedTool::name)
        .containsExactly("Bash", "WebSearch", "WebFetch", "mcp__context7__docs", "Teleport");
    assertThat(selection.dropped()).extracting(ToolMapping.DroppedTool::reason)
        .containsExactly(
            "runs shell commands, which is unsafe in a Lambda function",
            "reaches the internet, which is unsafe in a Lambda function",
            "reaches the internet, which is unsafe in a Lambda function",
            "MCP servers are not reachable from a Lambda function",
            "unknown tool");
  }

  @Test
  void a_write_allowed_only_under_a_pattern_is_not_widened_into_every_write() {
    ToolMapping.Selection selection = ToolMapping.select(Optional.of(List.of("Read", "Write(docs/**)")));

    assertThat(selection.offered()).containsExactly(GantryTool.READ_FILE);
    assertThat(selection.dropped()).singleElement().satisfies(d -> {
      assertThat(d.name()).isEqualTo("Write(docs/**)");
      assertThat(d.reason()).contains("cannot limit writes to a pattern");
    });
  }

  @Test
  void no_tools_field_offers_every_gantry_tool() {
    assertThat(ToolMapping.select(Optional.empty()).offered()).isEqualTo(GantryTool.selectable());
  }
}
