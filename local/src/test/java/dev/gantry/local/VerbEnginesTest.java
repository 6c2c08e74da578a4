package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.local.EmbeddedEngines.Engine;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which embedded engines each verb starts, as declared with {@link GantryCommand.Starts}. */
class VerbEnginesTest {
  @Test
  void every_verb_declares_its_engines_and_only_verbs_that_touch_documents_or_the_audit_log_start_s3() {
    Map<String, Set<Engine>> declared = new TreeMap<>();
    CommandLine cli = new CommandLine(GantryCommand.class);
    cli.getSubcommands().forEach((name, sub) -> {
      Object verb = sub.getCommand();
      if (!(verb instanceof CommandLine.HelpCommand)) {
        declared.put(name, GantryCommand.engines(verb.getClass()));
      }
    });
    Set<Engine> both = Set.of(Engine.DYNAMODB, Engine.S3);
    Set<Engine> none = Set.of();
    assertThat(declared).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("sessions", Set.of(Engine.DYNAMODB)),
        Map.entry("show", both), Map.entry("run", both), Map.entry("approve", both), Map.entry("reject", both),
        Map.entry("cancel", both), Map.entry("serve", both), Map.entry("replay", both),
        Map.entry("agents", none), Map.entry("pipelines", none), Map.entry("validate", none), Map.entry("completion", none)));
  }

  @Test
  void a_verb_without_a_declaration_is_refused() {
    assertThatThrownBy(() -> GantryCommand.engines(String.class))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not declare the engines it starts");
  }
}
