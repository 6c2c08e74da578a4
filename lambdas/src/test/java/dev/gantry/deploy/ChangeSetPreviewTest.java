package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeSetPreviewTest {
  private final TemplateParser parser = new TemplateParser();

  @Test
  void without_a_baseline_every_resource_is_added() {
    var proposed = parser.parse("Resources:\n  A:\n    Type: AWS::S3::Bucket\n").root();

    assertThat(ChangeSetPreview.compare(null, proposed))
        .containsExactly(new ResourceChange("Add", "A", null, "AWS::S3::Bucket", null, List.of(), List.of()));
  }

  @Test
  void changes_against_the_baseline_are_added_modified_and_removed() {
    var baseline = parser.parse(
        """
        Resources:
          Keep: {Type: AWS::S3::Bucket}
          Tune: {Type: AWS::Lambda::Function, Properties: {MemorySize: 512, Timeout: 10}}
          Swap: {Type: AWS::SQS::Queue}
          Gone: {Type: AWS::SNS::Topic}
        """).root();
    var proposed = parser.parse(
        """
        Resources:
          Keep: {Type: AWS::S3::Bucket}
          Tune: {Type: AWS::Lambda::Function, Properties: {MemorySize: 1024, Timeout: 10}}
          Swap: {Type: AWS::SNS::Topic}
          New: {Type: AWS::DynamoDB::Table}
        """).root();

    List<ResourceChange> changes = ChangeSetPreview.compare(baseline, proposed);

    assertThat(changes).containsExactly(
        new ResourceChange("Remove", "Gone", null, "AWS::SNS::Topic", null, List.of(), List.of()),
        new ResourceChange("Add", "New", null, "AWS::DynamoDB::Table", null, List.of(), List.of()),
        new ResourceChange("Modify", "Swap", null, "AWS::SNS::Topic", "True", List.of("Properties"), List.of()),
        new ResourceChange("Modify", "Tune", null, "AWS::Lambda::Function", "False", List.of("Properties"),
            List.of(new ResourceChange.Detail("Properties", "MemorySize", null, "Static", "DirectModification", null))));
    assertThat(ChangeSetSummary.of(changes)).isEqualTo(new ChangeSetSummary(1, 1, 1, 1));
  }
}
