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
        .containsExactly(new ChangeSetPreview.ResourceChange("Add", "A", "AWS::S3::Bucket", null, List.of()));
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

    List<ChangeSetPreview.ResourceChange> changes = ChangeSetPreview.compare(baseline, proposed);

    assertThat(changes).containsExactly(
        new ChangeSetPreview.ResourceChange("Remove", "Gone", "AWS::SNS::Topic", null, List.of()),
        new ChangeSetPreview.ResourceChange("Add", "New", "AWS::DynamoDB::Table", null, List.of()),
        new ChangeSetPreview.ResourceChange("Modify", "Swap", "AWS::SNS::Topic", "True", List.of()),
        new ChangeSetPreview.ResourceChange("Modify", "Tune", "AWS::Lambda::Function", "False", List.of("MemorySize")));
    assertThat(ChangeSetPreview.summary(changes)).containsEntry("Add", 1L).containsEntry("Modify", 2L).containsEntry("Remove", 1L);
  }
}
