package dev.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * An opt-in check of agent files from outside the repository, such as a team's
 * {@code ~/.claude/agents}: {@code mvn -pl lambdas test -Dtest=ExtraAgentFilesTest
 * -Dgantry.agents.extra=DIR}. Every regular file in DIR and its subfolders (any extension, since
 * collected samples are often saved as {@code .txt}; hidden files such as {@code .DS_Store} skipped)
 * must load as an agent definition. Without the
 * property the check does not run, so the build never reads files outside the repository.
 */
@EnabledIfSystemProperty(named = ExtraAgentFilesTest.PROPERTY, matches = ".*\\S.*")
class ExtraAgentFilesTest {
  static final String PROPERTY = "gantry.agents.extra";

  @TestFactory
  Stream<DynamicTest> every_file_in_the_given_folder_loads_as_an_agent() throws IOException {
    Path folder = Path.of(System.getProperty(PROPERTY));
    assertThat(folder).as("-D%s", PROPERTY).isDirectory();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
    }
    assertThat(files).as("agent files under %s", folder).isNotEmpty();
    AgentLoader loader = new AgentLoader();
    return files.stream().map(file -> dynamicTest(folder.relativize(file).toString(), () -> {
      AgentDefinition agent = loader.load(file);
      assertThat(agent.name()).matches(AgentDefinition.NAME);
      assertThat(agent.description()).isNotBlank().doesNotContain("\\n");
      assertThat(agent.body()).isNotBlank().doesNotStartWith("---");
      assertThat(agent.model()).isNotBlank();
    }));
  }
}
