package dev.gantry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetHooksStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetHooksResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.InsufficientCapabilitiesException;
import software.amazon.awssdk.services.cloudformation.model.InvalidChangeSetStatusException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.ResourceChangeDetail;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;

/** The real CloudFormationClient against {@link CloudFormationStub}: every answer parses, and the stack's life is CloudFormation's. */
class CloudFormationStubTest {
  static final String APP = """
      AWSTemplateFormatVersion: 2010-09-09
      Description: Gantry test app
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
        Queue:
          Type: AWS::SQS::Queue
          Properties:
            QueueName: !Sub "${AWS::StackName}-jobs"
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            TableName: orders
            BillingMode: PAY_PER_REQUEST
      Outputs:
        Stage:
          Value: prod
        QueueUrl:
          Value: !Ref Queue
      """;

  static final String APP_V2 = """
      {
        "Resources": {
          "Bucket": {"Type": "AWS::S3::Bucket"},
          "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders-v2", "BillingMode": "PAY_PER_REQUEST"}},
          "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "Orders"}}
        },
        "Outputs": {"Stage": {"Value": "prod-v2"}}
      }
      """;

  CloudFormationStub stub;
  CloudFormationClient cfn;

  @BeforeEach
  void start() {
    stub = CloudFormationStub.start();
    cfn = stub.client();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  CreateChangeSetResponse changeSet(String stack, String name, ChangeSetType type, String template, Capability... capabilities) {
    return cfn.createChangeSet(r -> r.stackName(stack).changeSetName(name).changeSetType(type).templateBody(template)
        .capabilities(capabilities));
  }

  /** Describes the change set until it leaves CREATE_IN_PROGRESS. */
  DescribeChangeSetResponse settled(String stack, String name) {
    for (int i = 0; i < 10; i++) {
      DescribeChangeSetResponse response = cfn.describeChangeSet(r -> r.stackName(stack).changeSetName(name));
      if (!response.statusAsString().equals("CREATE_IN_PROGRESS")) {
        return response;
      }
    }
    throw new AssertionError("change set " + name + " never settled");
  }

  /** Every status DescribeStacks shows until the stack leaves the in-progress statuses, in order. */
  List<String> statusesUntilSettled(String stack) {
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String status = cfn.describeStacks(r -> r.stackName(stack)).stacks().get(0).stackStatusAsString();
      if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
        statuses.add(status);
      }
      if (!status.endsWith("_IN_PROGRESS")) {
        return statuses;
      }
    }
    throw new AssertionError("stack " + stack + " never settled: " + statuses);
  }

  /** The stack's whole event history, newest first, read page by page. */
  List<StackEvent> events(String stack) {
    return cfn.describeStackEventsPaginator(r -> r.stackName(stack)).stackEvents().stream().toList();
  }

  static List<String> describe(List<StackEvent> events) {
    return events.stream().map(e -> e.logicalResourceId() + " " + e.resourceStatusAsString()).toList();
  }

  @Test
  void a_create_change_set_is_pending_then_lists_its_adds_page_by_page_and_executing_it_creates_the_stack_with_outputs() {
    // GIVEN a change set creating a new stack
    CreateChangeSetResponse created = changeSet("app", "cs-1", ChangeSetType.CREATE, APP);

    // THEN it names the change set and a new stack waiting for review
    assertThat(created.id()).matches("arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs-1/[-0-9a-f]{36}");
    assertThat(created.stackId()).matches("arn:aws:cloudformation:us-east-1:123456789012:stack/app/[-0-9a-f]{36}");
    assertThat(stub.stackStatus("app")).contains("REVIEW_IN_PROGRESS");

    // WHEN it is described at once, THEN it is still being computed
    DescribeChangeSetResponse pending = cfn.describeChangeSet(r -> r.stackName("app").changeSetName("cs-1"));
    assertThat(pending.statusAsString()).isEqualTo("CREATE_IN_PROGRESS");
    assertThat(pending.executionStatusAsString()).isEqualTo("UNAVAILABLE");
    assertThat(pending.changes()).isEmpty();

    // WHEN its changes are read with the SDK paginator (2 per page)
    List<Change> changes = cfn.describeChangeSetPaginator(r -> r.changeSetName(created.id())).changes().stream().toList();

    // THEN every resource is an Add without a physical id, over two pages
    assertThat(changes).extracting(c -> c.resourceChange().actionAsString() + " " + c.resourceChange().logicalResourceId()
        + " " + c.resourceChange().resourceType() + " " + c.resourceChange().physicalResourceId())
        .containsExactly("Add Bucket AWS::S3::Bucket null", "Add Queue AWS::SQS::Queue null", "Add Table AWS::DynamoDB::Table null");
    assertThat(changes).allSatisfy(c -> assertThat(c.typeAsString()).isEqualTo("Resource"));
    assertThat(stub.calls("DescribeChangeSet")).extracting(c -> c.param("NextToken")).containsExactly(null, null, "changes-2");
    DescribeChangeSetResponse ready = cfn.describeChangeSet(r -> r.stackName("app").changeSetName("cs-1"));
    assertThat(ready.statusAsString()).isEqualTo("CREATE_COMPLETE");
    assertThat(ready.executionStatusAsString()).isEqualTo("AVAILABLE");
    assertThat(ready.nextToken()).isEqualTo("changes-2");
    assertThat(ready.creationTime()).isAfterOrEqualTo(Instant.parse("2026-01-01T00:00:00Z"));

    // WHEN it is executed
    cfn.executeChangeSet(r -> r.changeSetName("cs-1").stackName("app").clientRequestToken("exec-1"));

    // THEN the stack is created, one DescribeStacks call in progress, with its outputs
    assertThat(statusesUntilSettled("app")).containsExactly("CREATE_IN_PROGRESS", "CREATE_COMPLETE");
    Stack stack = cfn.describeStacks(r -> r.stackName(created.stackId())).stacks().get(0);
    assertThat(stack.stackName()).isEqualTo("app");
    assertThat(stack.description()).isEqualTo("Gantry test app");
    assertThat(stack.changeSetId()).isEqualTo(created.id());
    assertThat(stack.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue)))
        .isEqualTo(Map.of("Stage", "prod", "QueueUrl", "stub-QueueUrl"));
    assertThat(cfn.describeChangeSet(r -> r.changeSetName(created.id())).executionStatusAsString()).isEqualTo("EXECUTE_COMPLETE");

    // AND the events, newest first over several pages, tell the story with the execute token
    List<StackEvent> events = events("app");
    assertThat(describe(events)).containsExactly(
        "app CREATE_COMPLETE",
        "Table CREATE_COMPLETE", "Queue CREATE_COMPLETE", "Bucket CREATE_COMPLETE",
        "Table CREATE_IN_PROGRESS", "Queue CREATE_IN_PROGRESS", "Bucket CREATE_IN_PROGRESS",
        "app CREATE_IN_PROGRESS",
        "app REVIEW_IN_PROGRESS");
    assertThat(stub.calls("DescribeStackEvents")).hasSize(3);
    assertThat(events.subList(0, 8)).allSatisfy(e -> assertThat(e.clientRequestToken()).isEqualTo("exec-1"));
    assertThat(events.get(7).resourceStatusReason()).isEqualTo("User Initiated");
    assertThat(events.get(0).resourceType()).isEqualTo("AWS::CloudFormation::Stack");
    assertThat(events.get(0).physicalResourceId()).isEqualTo(created.stackId());
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).timestamp()).isBefore(events.get(i - 1).timestamp());
    }
    assertThat(events.get(7).timestamp()).isEqualTo(events.get(0).timestamp().minusSeconds(7));

    // AND the resources, listed page by page, have physical ids
    List<StackResourceSummary> resources = cfn.listStackResourcesPaginator(r -> r.stackName("app")).stackResourceSummaries()
        .stream().toList();
    assertThat(resources).extracting(r -> r.logicalResourceId() + " " + r.resourceStatusAsString())
        .containsExactly("Bucket CREATE_COMPLETE", "Queue CREATE_COMPLETE", "Table CREATE_COMPLETE");
    assertThat(resources.get(0).physicalResourceId()).matches("app-Bucket-STUB[0-9]+");
  }

  @Test
  void an_update_reports_adds_modifies_with_their_replacement_and_removes_then_replaces_what_it_must() {
    // GIVEN a stack made from APP
    stub.putStack("app", "UPDATE_COMPLETE", APP);
    String oldTable = cfn.listStackResourcesPaginator(r -> r.stackName("app")).stackResourceSummaries().stream()
        .filter(r -> r.logicalResourceId().equals("Table")).findFirst().orElseThrow().physicalResourceId();

    // WHEN an update drops the queue, renames the table and adds a topic
    changeSet("app", "cs-2", ChangeSetType.UPDATE, APP_V2);
    DescribeChangeSetResponse first = settled("app", "cs-2");
    List<Change> changes = cfn.describeChangeSetPaginator(r -> r.stackName("app").changeSetName("cs-2")).changes().stream().toList();

    // THEN each change says what happens to which physical resource
    assertThat(first.changes()).hasSize(2);
    assertThat(changes).extracting(c -> c.resourceChange().actionAsString() + " " + c.resourceChange().logicalResourceId())
        .containsExactly("Remove Queue", "Modify Table", "Add Topic");
    ResourceChange queue = changes.get(0).resourceChange();
    assertThat(queue.physicalResourceId()).matches("app-Queue-STUB[0-9]+");
    assertThat(queue.policyActionAsString()).isEqualTo("Delete");
    ResourceChange table = changes.get(1).resourceChange();
    assertThat(table.physicalResourceId()).isEqualTo(oldTable);
    assertThat(table.replacementAsString()).isEqualTo("True");
    assertThat(table.scopeAsStrings()).containsExactly("Properties");
    ResourceChangeDetail detail = table.details().get(0);
    assertThat(detail.target().attributeAsString() + " " + detail.target().name() + " " + detail.target().requiresRecreationAsString()
        + " " + detail.evaluationAsString() + " " + detail.changeSourceAsString())
        .isEqualTo("Properties TableName Always Static DirectModification");
    assertThat(changes.get(2).resourceChange().replacementAsString()).isNull();

    // WHEN a second update only changes a harmless property
    stub.putStack("other", "UPDATE_COMPLETE", APP_V2);
    changeSet("other", "cs-3", ChangeSetType.UPDATE, APP_V2.replace("\"Orders\"", "\"Orders v2\""));
    ResourceChange topic = settled("other", "cs-3").changes().get(0).resourceChange();

    // THEN it is a Modify without replacement
    assertThat(topic.actionAsString() + " " + topic.logicalResourceId() + " " + topic.replacementAsString())
        .isEqualTo("Modify Topic False");
    assertThat(topic.details().get(0).target().requiresRecreationAsString()).isEqualTo("Never");

    // WHEN the first update is executed
    cfn.executeChangeSet(r -> r.changeSetName("cs-2").stackName("app").clientRequestToken("exec-2"));

    // THEN the stack is updated: the queue is gone, the table has a new physical id, the outputs are the new ones
    assertThat(statusesUntilSettled("app")).containsExactly("UPDATE_IN_PROGRESS", "UPDATE_COMPLETE");
    List<StackResourceSummary> resources = cfn.listStackResourcesPaginator(r -> r.stackName("app")).stackResourceSummaries()
        .stream().toList();
    assertThat(resources).extracting(StackResourceSummary::logicalResourceId).containsExactlyInAnyOrder("Bucket", "Table", "Topic");
    assertThat(resources).filteredOn(r -> r.logicalResourceId().equals("Table")).singleElement()
        .satisfies(r -> assertThat(r.physicalResourceId()).isNotEqualTo(oldTable));
    Stack stack = cfn.describeStacks(r -> r.stackName("app")).stacks().get(0);
    assertThat(stack.outputs()).extracting(Output::outputKey, Output::outputValue)
        .containsExactly(tuple("Stage", "prod-v2"));
    assertThat(stack.lastUpdatedTime()).isNotNull();
    assertThat(describe(events("app"))).contains("Queue DELETE_COMPLETE", "app UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
  }

  @Test
  void a_change_set_without_changes_fails_with_cloudformations_reason_and_cannot_be_executed() {
    // GIVEN a stack and a change set with its very template, and one told to fail
    stub.putStack("app", "CREATE_COMPLETE", APP);
    changeSet("app", "same", ChangeSetType.UPDATE, APP);
    String reason = "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template";
    stub.failNextChangeSet(reason);
    changeSet("app", "broken", ChangeSetType.UPDATE, APP_V2);

    // WHEN they settle
    DescribeChangeSetResponse same = settled("app", "same");
    DescribeChangeSetResponse broken = settled("app", "broken");

    // THEN both failed with their reasons and cannot be executed
    assertThat(same.statusAsString()).isEqualTo("FAILED");
    assertThat(same.statusReason()).isEqualTo(
        "The submitted information didn't contain changes. Submit different information to create a change set.");
    assertThat(same.executionStatusAsString()).isEqualTo("UNAVAILABLE");
    assertThat(broken.statusAsString()).isEqualTo("FAILED");
    assertThat(broken.statusReason()).isEqualTo(reason);
    assertThatThrownBy(() -> cfn.executeChangeSet(r -> r.changeSetName(same.changeSetId())))
        .isInstanceOf(InvalidChangeSetStatusException.class)
        .hasMessageContaining("cannot be executed in its current status of [FAILED]");
  }

  @Test
  void a_resource_failing_on_create_rolls_the_stack_back_and_deleting_it_leaves_it_findable_by_id_only() {
    // GIVEN a new stack whose queue will fail
    String stackId = changeSet("app", "cs-1", ChangeSetType.CREATE, APP).stackId();
    settled("app", "cs-1");
    stub.failResource("Queue", "Resource handler returned message: \"Queue name already exists\"");

    // WHEN the change set is executed
    cfn.executeChangeSet(r -> r.changeSetName("cs-1").stackName("app").clientRequestToken("exec-1"));

    // THEN the stack rolls back, each status lasting one DescribeStacks call
    assertThat(statusesUntilSettled("app")).containsExactly("CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE");
    assertThat(cfn.describeStacks(r -> r.stackName("app")).stacks().get(0).stackStatusReason()).isNull();
    List<StackEvent> events = events("app");
    assertThat(events).filteredOn(e -> e.logicalResourceId().equals("Queue") && e.resourceStatusAsString().equals("CREATE_FAILED"))
        .singleElement().satisfies(e -> {
          assertThat(e.resourceStatusReason()).isEqualTo("Resource handler returned message: \"Queue name already exists\"");
          assertThat(e.clientRequestToken()).isEqualTo("exec-1");
        });
    assertThat(events).filteredOn(e -> e.resourceStatusAsString().equals("CREATE_FAILED") && !e.logicalResourceId().equals("Queue"))
        .extracting(StackEvent::resourceStatusReason).containsExactly("Resource creation cancelled", "Resource creation cancelled");
    assertThat(events).filteredOn(e -> e.resourceStatusAsString().equals("ROLLBACK_IN_PROGRESS")).singleElement()
        .extracting(StackEvent::resourceStatusReason)
        .isEqualTo("The following resource(s) failed to create: [Queue]. Rollback requested by user.");
    assertThat(cfn.describeChangeSet(r -> r.changeSetName("cs-1").stackName("app")).executionStatusAsString())
        .isEqualTo("EXECUTE_FAILED");

    // WHEN it is deleted
    cfn.deleteStack(r -> r.stackName("app").clientRequestToken("delete-1"));

    // THEN it passes through DELETE_IN_PROGRESS; then it is unknown by name, and DELETE_COMPLETE by id
    assertThat(statusesUntilSettled("app")).containsExactly("DELETE_IN_PROGRESS", "DELETE_COMPLETE");
    assertThatThrownBy(() -> cfn.describeStacks(r -> r.stackName("app")))
        .isInstanceOfSatisfying(CloudFormationException.class, e -> {
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Stack with id app does not exist");
          assertThat(e.statusCode()).isEqualTo(400);
        });
    Stack deleted = cfn.describeStacks(r -> r.stackName(stackId)).stacks().get(0);
    assertThat(deleted.stackStatusAsString()).isEqualTo("DELETE_COMPLETE");
    assertThat(deleted.deletionTime()).isNotNull();
    assertThat(events(stackId).get(0)).satisfies(e -> {
      assertThat(e.resourceStatusAsString()).isEqualTo("DELETE_COMPLETE");
      assertThat(e.clientRequestToken()).isEqualTo("delete-1");
    });
    assertThat(stub.stackStatus("app")).contains("DELETE_COMPLETE");
  }

  @Test
  void a_resource_failing_on_update_rolls_the_update_back_and_a_failing_rollback_ends_update_rollback_failed() {
    // GIVEN two stacks whose table will fail to update, the second one's rollback failing too
    stub.putStack("app", "UPDATE_COMPLETE", APP);
    stub.putStack("other", "UPDATE_COMPLETE", APP);
    changeSet("app", "cs-1", ChangeSetType.UPDATE, APP_V2);
    changeSet("other", "cs-1", ChangeSetType.UPDATE, APP_V2);
    settled("app", "cs-1");
    settled("other", "cs-1");

    // WHEN the first is executed with a failing table
    stub.failResource("Table", "Resource handler returned message: \"Access denied\"");
    cfn.executeChangeSet(r -> r.changeSetName("cs-1").stackName("app").clientRequestToken("exec-1"));

    // THEN the update rolls back and the stack keeps its old template's resources and outputs
    assertThat(statusesUntilSettled("app"))
        .containsExactly("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE");
    assertThat(events("app")).filteredOn(e -> e.resourceStatusAsString().equals("UPDATE_FAILED")).singleElement()
        .satisfies(e -> assertThat(e.logicalResourceId() + ": " + e.resourceStatusReason())
            .isEqualTo("Table: Resource handler returned message: \"Access denied\""));
    assertThat(cfn.listStackResourcesPaginator(r -> r.stackName("app")).stackResourceSummaries())
        .extracting(StackResourceSummary::logicalResourceId).containsExactly("Bucket", "Queue", "Table");
    assertThat(cfn.describeStacks(r -> r.stackName("app")).stacks().get(0).outputs()).extracting(Output::outputValue)
        .containsExactlyInAnyOrder("prod", "stub-QueueUrl");
    assertThat(cfn.describeChangeSet(r -> r.changeSetName("cs-1").stackName("app")).executionStatusAsString())
        .isEqualTo("EXECUTE_FAILED");

    // WHEN the second is executed with a failing table and a failing rollback
    stub.failResource("Table", "Resource handler returned message: \"Access denied\"");
    stub.rollbackFails();
    cfn.executeChangeSet(r -> r.changeSetName("cs-1").stackName("other"));

    // THEN it ends UPDATE_ROLLBACK_FAILED
    assertThat(statusesUntilSettled("other"))
        .containsExactly("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED");
  }

  @Test
  void executing_an_obsolete_or_unknown_change_set_is_refused_with_the_sdks_exceptions() {
    // GIVEN two change sets for one stack, the first executed, and a third made obsolete by the test
    stub.putStack("app", "UPDATE_COMPLETE", APP);
    changeSet("app", "first", ChangeSetType.UPDATE, APP_V2);
    String second = changeSet("app", "second", ChangeSetType.UPDATE, APP_V2.replace("prod-v2", "prod-v3")).id();
    settled("app", "first");
    settled("app", "second");
    cfn.executeChangeSet(r -> r.changeSetName("first").stackName("app"));
    statusesUntilSettled("app");
    changeSet("app", "third", ChangeSetType.UPDATE, APP);
    settled("app", "third");
    stub.makeObsolete("third");

    // WHEN / THEN the other change sets are OBSOLETE and cannot be executed
    assertThat(cfn.describeChangeSet(r -> r.changeSetName(second)).executionStatusAsString()).isEqualTo("OBSOLETE");
    assertThatThrownBy(() -> cfn.executeChangeSet(r -> r.changeSetName(second)))
        .isInstanceOf(InvalidChangeSetStatusException.class)
        .hasMessageStartingWith("ChangeSet [" + second + "] cannot be executed in its current execution status of [OBSOLETE]");
    assertThatThrownBy(() -> cfn.executeChangeSet(r -> r.changeSetName("third").stackName("app")))
        .isInstanceOf(InvalidChangeSetStatusException.class);
    assertThatThrownBy(() -> cfn.executeChangeSet(r -> r.changeSetName("missing").stackName("app")))
        .isInstanceOf(ChangeSetNotFoundException.class)
        .hasMessageStartingWith("ChangeSet [missing] does not exist");
    assertThat(stub.executions("first")).isEqualTo(1);
    assertThat(stub.executions("second")).isZero();
  }

  @Test
  void executing_twice_with_the_same_token_starts_once_and_a_repeated_create_with_the_same_token_is_the_same_change_set() {
    // GIVEN a change set created twice with one client token
    String id = cfn.createChangeSet(r -> r.stackName("app").changeSetName("cs-1").changeSetType(ChangeSetType.CREATE)
        .templateBody(APP).clientToken("create-1")).id();
    String again = cfn.createChangeSet(r -> r.stackName("app").changeSetName("cs-1").changeSetType(ChangeSetType.CREATE)
        .templateBody(APP).clientToken("create-1")).id();
    settled("app", "cs-1");

    // WHEN it is executed twice with one token
    cfn.executeChangeSet(r -> r.changeSetName(id).clientRequestToken("exec-1"));
    cfn.executeChangeSet(r -> r.changeSetName(id).clientRequestToken("exec-1"));

    // THEN it is one change set that started once; another token is refused
    assertThat(again).isEqualTo(id);
    assertThat(stub.executions("cs-1")).isEqualTo(1);
    assertThat(stub.calls("ExecuteChangeSet")).hasSize(2);
    assertThat(events("app")).filteredOn(e -> e.resourceStatusAsString().equals("CREATE_IN_PROGRESS")
        && e.logicalResourceId().equals("app")).hasSize(1);
    assertThatThrownBy(() -> cfn.executeChangeSet(r -> r.changeSetName(id).clientRequestToken("exec-2")))
        .isInstanceOf(InvalidChangeSetStatusException.class)
        .hasMessageContaining("[EXECUTE_IN_PROGRESS]");
    assertThatThrownBy(() -> cfn.createChangeSet(r -> r.stackName("app").changeSetName("cs-1")
        .changeSetType(ChangeSetType.CREATE).templateBody(APP).clientToken("create-2")))
        .isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void change_sets_are_refused_for_missing_capabilities_a_wrong_type_and_a_template_url() {
    // GIVEN templates with an IAM role, a named IAM role and a SAM function
    String role = """
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
        """;
    String namedRole = role + "      RoleName: !Sub \"${AWS::StackName}-deployer\"\n";
    String sam = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {Runtime: java17, Handler: x, CodeUri: s3://b/k}
        """;

    // WHEN / THEN each is refused without its capability, with CloudFormation's message
    assertThatThrownBy(() -> changeSet("a", "cs", ChangeSetType.CREATE, role))
        .isInstanceOf(InsufficientCapabilitiesException.class)
        .hasMessageStartingWith("Requires capabilities : [CAPABILITY_IAM]");
    assertThatThrownBy(() -> changeSet("a", "cs", ChangeSetType.CREATE, namedRole, Capability.CAPABILITY_IAM))
        .isInstanceOf(InsufficientCapabilitiesException.class)
        .hasMessageStartingWith("Requires capabilities : [CAPABILITY_NAMED_IAM]");
    assertThatThrownBy(() -> changeSet("a", "cs", ChangeSetType.CREATE, sam))
        .isInstanceOf(InsufficientCapabilitiesException.class)
        .hasMessageStartingWith("Requires capabilities : [CAPABILITY_IAM]");
    assertThat(stub.stackStatus("a")).isEmpty();

    // AND accepted with them
    changeSet("a", "cs", ChangeSetType.CREATE, namedRole, Capability.CAPABILITY_NAMED_IAM);
    changeSet("b", "cs", ChangeSetType.CREATE, sam, Capability.CAPABILITY_IAM);
    assertThat(stub.calls("CreateChangeSet").get(3).members("Capabilities")).containsExactly("CAPABILITY_NAMED_IAM");
    assertThat(settled("a", "cs").capabilitiesAsStrings()).containsExactly("CAPABILITY_NAMED_IAM");

    // AND a CREATE for an existing stack, an UPDATE for a missing one and a TemplateURL are ValidationErrors
    stub.putStack("live", "UPDATE_COMPLETE", APP);
    assertThatThrownBy(() -> changeSet("live", "cs", ChangeSetType.CREATE, APP))
        .hasMessageStartingWith("Stack [live] already exists and cannot be created again with the changeSet [cs].");
    assertThatThrownBy(() -> changeSet("nowhere", "cs", ChangeSetType.UPDATE, APP))
        .hasMessageStartingWith("Stack [nowhere] does not exist");
    assertThatThrownBy(() -> cfn.createChangeSet(r -> r.stackName("live").changeSetName("cs").templateURL("https://b.s3.amazonaws.com/t")))
        .isInstanceOfSatisfying(CloudFormationException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
  }

  @Test
  void hooks_are_planned_once_the_change_set_is_ready_and_counted_per_change() {
    // GIVEN a hook on the table
    stub.hooks(List.of(new CloudFormationStub.Hook("Private::Guard::Tables", "FAIL", "Table", "AWS::DynamoDB::Table", "Add")));
    changeSet("app", "cs-1", ChangeSetType.CREATE, APP);

    // WHEN the hooks are asked for before and after the change set is ready
    DescribeChangeSetHooksResponse planning = cfn.describeChangeSetHooks(r -> r.stackName("app").changeSetName("cs-1"));
    settled("app", "cs-1");
    List<Change> changes = cfn.describeChangeSetPaginator(r -> r.stackName("app").changeSetName("cs-1")).changes().stream().toList();
    DescribeChangeSetHooksResponse planned = cfn.describeChangeSetHooks(r -> r.stackName("app").changeSetName("cs-1"));

    // THEN they are PLANNING, then PLANNED with the hook's target, and the table's change counts one invocation
    assertThat(planning.status()).isEqualTo(ChangeSetHooksStatus.PLANNING);
    assertThat(planned.status()).isEqualTo(ChangeSetHooksStatus.PLANNED);
    assertThat(planned.hooks()).singleElement().satisfies(h -> {
      assertThat(h.typeName()).isEqualTo("Private::Guard::Tables");
      assertThat(h.failureModeAsString()).isEqualTo("FAIL");
      assertThat(h.invocationPointAsString()).isEqualTo("PRE_PROVISION");
      assertThat(h.targetDetails().resourceTargetDetails().logicalResourceId()).isEqualTo("Table");
    });
    assertThat(changes).extracting(c -> c.resourceChange().logicalResourceId(), Change::hookInvocationCount)
        .containsExactly(tuple("Bucket", null), tuple("Queue", null), tuple("Table", 1));
  }

  @Test
  void throttled_calls_are_retried_by_the_sdk() {
    // GIVEN a stack and one throttled DescribeStacks
    stub.putStack("app", "UPDATE_COMPLETE", APP);
    stub.throttle("DescribeStacks", 1);

    // WHEN the stack is described
    Stack stack = cfn.describeStacks(r -> r.stackName("app")).stacks().get(0);

    // THEN the SDK retried the throttled call and got the stack
    assertThat(stack.stackStatusAsString()).isEqualTo("UPDATE_COMPLETE");
    assertThat(stub.calls("DescribeStacks")).hasSize(2);
  }

  @Test
  void a_denied_action_answers_access_denied_every_time_and_the_sdk_does_not_retry_it() {
    // GIVEN a stack, and DescribeStacks denied
    stub.putStack("app", "UPDATE_COMPLETE", APP);
    stub.deny("DescribeStacks");

    // WHEN / THEN every call is refused with IAM's 403 and message, once each
    for (int call = 0; call < 2; call++) {
      assertThatThrownBy(() -> cfn.describeStacks(r -> r.stackName("app")))
          .isInstanceOfSatisfying(CloudFormationException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:sts::123456789012:assumed-role/gantry-stage/"
                + "gantry-stage is not authorized to perform: cloudformation:DescribeStacks on resource: "
                + "arn:aws:cloudformation:us-east-1:123456789012:stack/app/* because no identity-based policy allows the "
                + "cloudformation:DescribeStacks action");
          });
    }
    assertThat(stub.calls("DescribeStacks")).hasSize(2);
    assertThat(cfn.listStackResources(r -> r.stackName("app")).stackResourceSummaries()).isNotEmpty(); // other actions still answer
  }
}
