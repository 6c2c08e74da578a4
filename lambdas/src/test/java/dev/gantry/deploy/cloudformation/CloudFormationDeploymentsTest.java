package dev.gantry.deploy.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.deploy.ResourceChange;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.deploy.StackDeployments.ChangeSetHook;
import dev.gantry.deploy.StackDeployments.ChangeSetRequest;
import dev.gantry.deploy.StackDeployments.ChangeSetState;
import dev.gantry.deploy.StackDeployments.Execution;
import dev.gantry.deploy.StackDeployments.NoChanges;
import dev.gantry.deploy.StackDeployments.Pending;
import dev.gantry.deploy.StackDeployments.Ready;
import dev.gantry.deploy.StackDeployments.Refused;
import dev.gantry.deploy.StackDeployments.StackDescription;
import dev.gantry.deploy.StackDeployments.StackEvent;
import dev.gantry.deploy.StackDeployments.StackResource;
import dev.gantry.deploy.StackOperationException;
import dev.gantry.testing.CloudFormationStub;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/** The deploy port on the real CloudFormationClient against {@link CloudFormationStub}: what goes on the wire and what comes back. */
class CloudFormationDeploymentsTest {
  static final String ROLE = "arn:aws:iam::123456789012:role/gantry-deploy";
  /** Attempts the SDK makes of a throttled call with its default (legacy) retry mode: the first and 3 retries. */
  static final int SDK_ATTEMPTS = 4;

  /** A new stack's template: a table, a queue and a role (which needs CAPABILITY_IAM). */
  static final String APP = """
      AWSTemplateFormatVersion: "2010-09-09"
      Description: Orders
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            TableName: orders
            BillingMode: PAY_PER_REQUEST
        Queue:
          Type: AWS::SQS::Queue
        Role:
          Type: AWS::IAM::Role
          Properties:
            AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
      Outputs:
        Stage:
          Value: prod
      """;

  /** APP changed: the table renamed (replaced), the queue's retention changed (Conditional here), the role gone, a topic added. */
  static final String APP_V2 = """
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            TableName: orders-v2
            BillingMode: PAY_PER_REQUEST
        Queue:
          Type: AWS::SQS::Queue
          Properties:
            MessageRetentionPeriod: 60
        Topic:
          Type: AWS::SNS::Topic
      """;

  CloudFormationStub stub;
  CloudFormationClient client;
  CloudFormationDeployments deployments;

  @BeforeEach
  void start() {
    stub = CloudFormationStub.start();
    client = stub.client();
    deployments = new CloudFormationDeployments(client, Optional.of(ROLE), Optional.empty());
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  static ChangeSetRequest request(String stack, String name, String template, List<String> capabilities) {
    return new ChangeSetRequest(stack, name, "create-" + name, template, capabilities, Map.of(), List.of(), "Gantry session " + name);
  }

  /** Looks until the change set is no longer pending, as the changeset stage does once per attempt. */
  ChangeSetState settled(ChangeSetRequest request) {
    for (int look = 0; look < 10; look++) {
      ChangeSetState state = deployments.prepareChangeSet(request);
      if (!(state instanceof Pending)) {
        return state;
      }
    }
    throw new AssertionError("change set " + request.changeSetName() + " stayed pending");
  }

  /** Describes the stack until it leaves the in-progress statuses, as the verify stage does once per attempt. */
  StackDescription settledStack(String stack) {
    for (int look = 0; look < 20; look++) {
      StackDescription description = deployments.describeStack(stack).orElseThrow();
      if (!description.status().endsWith("_IN_PROGRESS")) {
        return description;
      }
    }
    throw new AssertionError("stack " + stack + " never settled");
  }

  /** A change set made ready and executed with {@code token}; returns the ready state. */
  Ready executed(ChangeSetRequest request, String token) {
    Ready ready = (Ready) settled(request);
    assertThat(deployments.executeChangeSet(request.stackName(), ready.changeSetId(), token)).isEqualTo(Execution.began());
    return ready;
  }

  @Test
  void the_configured_permissions_boundary_is_passed_as_the_template_parameter_that_asks_for_it() {
    // GIVEN deployments configured with a boundary
    CloudFormationDeployments bounded = new CloudFormationDeployments(client, Optional.of(ROLE),
        Optional.of("arn:aws:iam::123456789012:policy/gantry-boundary"));
    ChangeSetRequest request = new ChangeSetRequest("gantry-bounded", "gantry-b1", "create-b1", APP, List.of(),
        bounded.parameterValues(), List.of(StackDeployments.BOUNDARY_PARAMETER), "bounded");

    // WHEN a change set is made
    bounded.prepareChangeSet(request);

    // THEN CreateChangeSet carries the boundary as PermissionsBoundaryArn
    assertThat(stub.calls("CreateChangeSet")).singleElement().satisfies(call -> {
      assertThat(call.param("Parameters.member.1.ParameterKey")).isEqualTo(StackDeployments.BOUNDARY_PARAMETER);
      assertThat(call.param("Parameters.member.1.ParameterValue")).isEqualTo("arn:aws:iam::123456789012:policy/gantry-boundary");
    });
  }

  @Test
  void a_new_stacks_change_set_is_created_once_as_CREATE_with_token_role_and_capabilities_then_pending_then_ready_with_every_page() {
    // GIVEN no stack yet, and changes listed one per page
    stub.pageSize(1);
    ChangeSetRequest request = request("gantry-orders", "gantry-s1", APP, List.of("CAPABILITY_IAM"));

    // WHEN the change set is prepared, then looked at until it is ready
    ChangeSetState first = deployments.prepareChangeSet(request);
    ChangeSetState second = deployments.prepareChangeSet(request);
    ChangeSetState third = deployments.prepareChangeSet(request);

    // THEN the first call created it, the second found it still being made, the third found it ready
    assertThat(first).isInstanceOf(Pending.class);
    assertThat(second).isEqualTo(new Pending("CREATE_IN_PROGRESS"));
    assertThat(third).isInstanceOf(Ready.class);
    assertThat(stub.calls("CreateChangeSet")).singleElement().satisfies(create -> {
      assertThat(create.param("StackName")).isEqualTo("gantry-orders");
      assertThat(create.param("ChangeSetName")).isEqualTo("gantry-s1");
      assertThat(create.param("ChangeSetType")).isEqualTo("CREATE");
      assertThat(create.param("ClientToken")).isEqualTo("create-gantry-s1");
      assertThat(create.param("RoleARN")).isEqualTo(ROLE);
      assertThat(create.members("Capabilities")).containsExactly("CAPABILITY_IAM");
      assertThat(create.param("TemplateBody")).isEqualTo(APP);
      assertThat(create.param("Description")).isEqualTo("Gantry session gantry-s1");
    });

    // AND the ready change set has every change, read page by page, in CloudFormation's order
    Ready ready = (Ready) third;
    assertThat(ready.changeSetId()).matches("arn:aws:cloudformation:us-east-1:123456789012:changeSet/gantry-s1/[-0-9a-f]{36}");
    assertThat(ready.stackId()).matches("arn:aws:cloudformation:us-east-1:123456789012:stack/gantry-orders/[-0-9a-f]{36}");
    assertThat(ready.changeSetType()).isEqualTo("CREATE");
    assertThat(ready.changes()).extracting(ResourceChange::action, ResourceChange::logicalResourceId,
        ResourceChange::resourceType, ResourceChange::physicalResourceId, ResourceChange::replacement).containsExactly(
        tuple("Add", "Queue", "AWS::SQS::Queue", null, null),
        tuple("Add", "Role", "AWS::IAM::Role", null, null),
        tuple("Add", "Table", "AWS::DynamoDB::Table", null, null));
    assertThat(ready.hooks()).isEmpty();
    assertThat(stub.calls("DescribeChangeSet")).extracting(c -> c.param("NextToken"))
        .containsExactly(null, null, null, "changes-1", "changes-2");
    assertThat(stub.calls("DescribeChangeSet").subList(3, 5)).extracting(c -> c.param("ChangeSetName"))
        .containsOnly(ready.changeSetId());
  }

  @Test
  void an_existing_stacks_change_set_is_an_UPDATE_with_replacement_details_and_hooks_mapped() {
    // GIVEN a live stack made from APP, a conditional property and a hook on the table
    stub.putStack("gantry-orders", "UPDATE_COMPLETE", APP);
    stub.conditionalProperties(Set.of("MessageRetentionPeriod"));
    stub.hooks(List.of(new CloudFormationStub.Hook("Private::Guard::Tables", "FAIL", "Table", "AWS::DynamoDB::Table", "Modify")));
    ChangeSetRequest request = request("gantry-orders", "gantry-s2", APP_V2, List.of());

    // WHEN the change set is prepared until ready
    Ready ready = (Ready) settled(request);

    // THEN it was created once as an UPDATE
    assertThat(stub.calls("CreateChangeSet")).singleElement()
        .satisfies(create -> assertThat(create.param("ChangeSetType")).isEqualTo("UPDATE"));
    assertThat(ready.changeSetType()).isEqualTo("UPDATE");

    // AND each change says what happens to which resource and why
    assertThat(ready.changes()).extracting(ResourceChange::action, ResourceChange::logicalResourceId, ResourceChange::replacement)
        .containsExactly(tuple("Modify", "Queue", "Conditional"), tuple("Remove", "Role", null),
            tuple("Modify", "Table", "True"), tuple("Add", "Topic", null));
    ResourceChange table = ready.changes().get(2);
    assertThat(table.physicalResourceId()).matches("gantry-orders-Table-STUB[0-9]+");
    assertThat(table.scope()).containsExactly("Properties");
    assertThat(table.mayReplace()).isTrue();
    assertThat(table.details()).containsExactly(
        new ResourceChange.Detail("Properties", "TableName", "Always", "Static", "DirectModification", null));
    assertThat(ready.changes().get(0).details()).extracting(ResourceChange.Detail::name, ResourceChange.Detail::requiresRecreation)
        .containsExactly(tuple("MessageRetentionPeriod", "Conditionally"));

    // AND the hook on the table was asked for and mapped
    assertThat(ready.hooks()).containsExactly(
        new ChangeSetHook("Private::Guard::Tables", "FAIL", "PRE_PROVISION", "Table", "Modify"));
    assertThat(stub.calls("DescribeChangeSetHooks")).singleElement()
        .satisfies(c -> assertThat(c.param("ChangeSetName")).isEqualTo(ready.changeSetId()));
  }

  @Test
  void an_unchanged_template_gives_no_changes_with_cloudformations_reason() {
    // GIVEN a live stack made from APP
    stub.putStack("gantry-orders", "CREATE_COMPLETE", APP);

    // WHEN a change set with the very same template is prepared until it settles
    ChangeSetState state = settled(request("gantry-orders", "gantry-s3", APP, List.of("CAPABILITY_IAM")));

    // THEN CloudFormation found nothing to change
    assertThat(state).isInstanceOfSatisfying(NoChanges.class, none -> {
      assertThat(none.changeSetId()).contains(":changeSet/gantry-s3/");
      assertThat(none.reason()).isEqualTo(CloudFormationStub.NO_CHANGES);
    });
  }

  @Test
  void a_failed_change_set_and_a_missing_capability_are_refused_with_cloudformations_reasons() {
    // GIVEN a change set CloudFormation will fail
    String reason = "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template";
    stub.failNextChangeSet(reason);

    // WHEN it is prepared until it settles, and another template with a role is prepared without CAPABILITY_IAM
    ChangeSetState failed = settled(request("gantry-orders", "gantry-s4", APP, List.of("CAPABILITY_IAM")));
    ChangeSetState uncapable = deployments.prepareChangeSet(request("gantry-other", "gantry-s5", APP, List.of()));

    // THEN both are refused with CloudFormation's own words
    assertThat(failed).isEqualTo(new Refused(reason));
    assertThat(uncapable).isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason())
        .contains("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]"));
    assertThat(stub.stackStatus("gantry-other")).isEmpty();
    assertThat(stub.calls("CreateChangeSet")).hasSize(2);
  }

  @Test
  void an_approved_change_set_is_executed_once_with_the_client_request_token_and_a_repeated_call_does_not_execute_again() {
    // GIVEN a ready change set for a new stack
    ChangeSetRequest request = request("gantry-orders", "gantry-s6", APP, List.of("CAPABILITY_IAM"));
    Ready ready = (Ready) settled(request);

    // WHEN it is executed, and the call is repeated (a retried task)
    Execution first = deployments.executeChangeSet("gantry-orders", ready.changeSetId(), "gantry-execute-s6");
    Execution again = deployments.executeChangeSet("gantry-orders", ready.changeSetId(), "gantry-execute-s6");

    // THEN both say it started, but exactly one ExecuteChangeSet went out, naming the ARN and the token
    assertThat(first).isEqualTo(Execution.began());
    assertThat(again).isEqualTo(Execution.began());
    assertThat(stub.calls("ExecuteChangeSet")).singleElement().satisfies(execute -> {
      assertThat(execute.param("ChangeSetName")).isEqualTo(ready.changeSetId());
      assertThat(execute.param("ClientRequestToken")).isEqualTo("gantry-execute-s6");
    });
    assertThat(stub.executions(ready.changeSetId())).isEqualTo(1);
    assertThat(settledStack("gantry-orders").status()).isEqualTo("CREATE_COMPLETE");
    assertThat(deployments.executeChangeSet("gantry-orders", ready.changeSetId(), "gantry-execute-s6")).isEqualTo(Execution.began());
    assertThat(stub.executions(ready.changeSetId())).isEqualTo(1);
  }

  @Test
  void an_obsolete_a_deleted_or_another_stacks_change_set_is_refused_without_calling_ExecuteChangeSet() {
    // GIVEN a live stack with three ready change sets: one made obsolete, one deleted, one executed against the wrong stack name
    stub.putStack("gantry-orders", "UPDATE_COMPLETE", APP);
    Ready obsolete = (Ready) settled(request("gantry-orders", "gantry-s7", APP_V2, List.of()));
    Ready deleted = (Ready) settled(request("gantry-orders", "gantry-s8", APP_V2, List.of()));
    Ready elsewhere = (Ready) settled(request("gantry-orders", "gantry-s9", APP_V2, List.of()));
    stub.makeObsolete(obsolete.changeSetId());
    client.deleteChangeSet(r -> r.changeSetName(deleted.changeSetId()));

    // WHEN each is asked to execute
    Execution onObsolete = deployments.executeChangeSet("gantry-orders", obsolete.changeSetId(), "gantry-execute-s7");
    Execution onDeleted = deployments.executeChangeSet("gantry-orders", deleted.changeSetId(), "gantry-execute-s8");
    Execution onOther = deployments.executeChangeSet("gantry-shop", elsewhere.changeSetId(), "gantry-execute-s9");

    // THEN nothing was executed, and each says why
    assertThat(onObsolete.started()).isFalse();
    assertThat(onObsolete.reason()).isEqualTo("change set " + obsolete.changeSetId()
        + " cannot be executed: its execution status is OBSOLETE (the stack changed after it was made)");
    assertThat(onDeleted.started()).isFalse();
    assertThat(onDeleted.reason()).startsWith("change set " + deleted.changeSetId() + " no longer exists")
        .endsWith("ChangeSet [" + deleted.changeSetId() + "] does not exist");
    assertThat(onOther.started()).isFalse();
    assertThat(onOther.reason()).endsWith("belongs to stack gantry-orders, not gantry-shop");
    assertThat(stub.calls("ExecuteChangeSet")).isEmpty();
    assertThat(stub.stackStatus("gantry-orders")).contains("UPDATE_COMPLETE");
  }

  @Test
  void a_failed_first_create_is_deleted_through_the_role_with_its_token_and_the_deleted_stack_is_still_described_by_id() {
    // GIVEN a new stack whose queue fails, rolled back
    stub.failResource("Queue", "Resource handler returned message: \"Queue already exists\"");
    Ready ready = executed(request("gantry-orders", "gantry-s10", APP, List.of("CAPABILITY_IAM")), "gantry-execute-s10");
    assertThat(settledStack(ready.stackId()).status()).isEqualTo("ROLLBACK_COMPLETE");

    // WHEN it is deleted and looked at until it is gone
    deployments.deleteStack(ready.stackId(), "gantry-delete-s10");
    StackDescription gone = settledStack(ready.stackId());

    // THEN DeleteStack went through the service role with the token
    assertThat(stub.calls("DeleteStack")).singleElement().satisfies(delete -> {
      assertThat(delete.param("StackName")).isEqualTo(ready.stackId());
      assertThat(delete.param("RoleARN")).isEqualTo(ROLE);
      assertThat(delete.param("ClientRequestToken")).isEqualTo("gantry-delete-s10");
    });
    // AND the stack is DELETE_COMPLETE by id, unknown by name
    assertThat(gone.stackId()).isEqualTo(ready.stackId());
    assertThat(gone.stackName()).isEqualTo("gantry-orders");
    assertThat(gone.status()).isEqualTo("DELETE_COMPLETE");
    assertThat(deployments.describeStack("gantry-orders")).isEmpty();

    // AND the execution's events (oldest first) name the failing queue, and the deletion's events carry its token
    List<StackEvent> execution = deployments.events(ready.stackId(), "gantry-execute-s10");
    assertThat(execution).filteredOn(StackEvent::causeOfFailure).singleElement().satisfies(cause -> {
      assertThat(cause.logicalResourceId()).isEqualTo("Queue");
      assertThat(cause.status()).isEqualTo("CREATE_FAILED");
      assertThat(cause.reason()).isEqualTo("Resource handler returned message: \"Queue already exists\"");
    });
    assertThat(execution.get(0).status()).isEqualTo("CREATE_IN_PROGRESS");
    assertThat(execution.get(execution.size() - 1).status()).isEqualTo("ROLLBACK_COMPLETE");
    List<StackEvent> deletion = deployments.events(ready.stackId(), "gantry-delete-s10");
    assertThat(deletion).first().satisfies(e -> assertThat(e.status()).isEqualTo("DELETE_IN_PROGRESS"));
    assertThat(deletion).last().satisfies(e -> assertThat(e.status() + " " + e.logicalResourceId())
        .isEqualTo("DELETE_COMPLETE gantry-orders"));
  }

  @Test
  void events_are_the_operations_own_oldest_first_read_across_pages_and_resources_every_page() {
    // GIVEN a stack created by one execution and updated by a second, two events a page, one resource a page
    stub.pageSize(1);
    Ready created = executed(request("gantry-orders", "gantry-s11", APP, List.of("CAPABILITY_IAM")), "gantry-execute-s11");
    settledStack("gantry-orders");
    executed(request("gantry-orders", "gantry-s12", APP_V2, List.of()), "gantry-execute-s12");
    assertThat(settledStack("gantry-orders").status()).isEqualTo("UPDATE_COMPLETE");
    int before = stub.calls("DescribeStackEvents").size();

    // WHEN the first execution's events are read
    List<StackEvent> events = deployments.events(created.stackId(), "gantry-execute-s11");

    // THEN they are exactly the create's events, oldest first, read over several pages without the whole history
    assertThat(events).extracting(e -> e.logicalResourceId() + " " + e.status()).containsExactly(
        "gantry-orders CREATE_IN_PROGRESS",
        "Queue CREATE_IN_PROGRESS", "Role CREATE_IN_PROGRESS", "Table CREATE_IN_PROGRESS",
        "Queue CREATE_COMPLETE", "Role CREATE_COMPLETE", "Table CREATE_COMPLETE",
        "gantry-orders CREATE_COMPLETE");
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).timestamp()).isAfter(events.get(i - 1).timestamp());
    }
    assertThat(events.get(0).resourceType()).isEqualTo("AWS::CloudFormation::Stack");
    assertThat(events.get(0).reason()).isEqualTo("User Initiated");
    List<CloudFormationStub.Call> pages = stub.calls("DescribeStackEvents").subList(before, stub.calls("DescribeStackEvents").size());
    assertThat(pages).extracting(c -> c.param("NextToken")).startsWith((String) null).endsWith("events-2").doesNotHaveDuplicates();
    assertThat(pages).hasSizeGreaterThan(4);

    // WHEN the second execution's events are read
    int beforeSecond = stub.calls("DescribeStackEvents").size();
    List<StackEvent> second = deployments.events(created.stackId(), "gantry-execute-s12");

    // THEN they are its own, and reading stopped at the page where the create's events begin, not at the oldest
    assertThat(second).filteredOn(e -> e.resourceType().equals("AWS::CloudFormation::Stack")).extracting(StackEvent::status)
        .containsExactly("UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE");
    assertThat(second).extracting(e -> e.logicalResourceId() + " " + e.status())
        .contains("Topic CREATE_COMPLETE", "Role DELETE_COMPLETE").doesNotContain("Role CREATE_COMPLETE");
    assertThat(stub.calls("DescribeStackEvents").subList(beforeSecond, stub.calls("DescribeStackEvents").size()))
        .extracting(c -> c.param("NextToken")).doesNotContain("events-2", "events-4");

    // WHEN the resources are listed
    List<StackResource> resources = deployments.resources(created.stackId());

    // THEN every page was read
    assertThat(resources).extracting(StackResource::logicalResourceId, StackResource::resourceType, StackResource::status)
        .containsExactly(tuple("Queue", "AWS::SQS::Queue", "UPDATE_COMPLETE"), tuple("Table", "AWS::DynamoDB::Table", "UPDATE_COMPLETE"),
            tuple("Topic", "AWS::SNS::Topic", "CREATE_COMPLETE"));
    assertThat(resources).allSatisfy(r -> assertThat(r.physicalResourceId()).startsWith("gantry-orders-" + r.logicalResourceId()));
    assertThat(stub.calls("ListStackResources")).extracting(c -> c.param("NextToken"))
        .containsExactly(null, "resources-1", "resources-2");
  }

  @Test
  void a_stack_description_has_status_reason_and_outputs() {
    // GIVEN a created stack with one output
    Ready ready = executed(request("gantry-orders", "gantry-s13", APP, List.of("CAPABILITY_IAM")), "gantry-execute-s13");

    // WHEN it is looked at until done
    StackDescription stack = settledStack("gantry-orders");

    // THEN it has CloudFormation's status and outputs
    assertThat(stack).isEqualTo(new StackDescription(ready.stackId(), "gantry-orders", "CREATE_COMPLETE", null,
        java.util.Map.of("Stage", "prod")));
    assertThat(deployments.describeStack("gantry-nowhere")).isEmpty();
  }

  @Test
  void throttling_left_after_the_sdks_retries_is_a_retryable_error_and_the_next_look_succeeds() {
    // GIVEN a live stack and DescribeStacks throttled as often as the SDK tries: the client's default
    // retry mode (legacy, unless AWS_RETRY_MODE says otherwise) makes 4 attempts
    stub.putStack("gantry-orders", "UPDATE_COMPLETE", APP);
    stub.throttle("DescribeStacks", SDK_ATTEMPTS);

    // WHEN the stack is described
    // THEN the SDK's retries are spent and a retryable error quotes CloudFormation
    assertThatThrownBy(() -> deployments.describeStack("gantry-orders"))
        .isInstanceOfSatisfying(StackOperationException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessage("DescribeStacks failed: Throttling: Rate exceeded");
    assertThat(stub.calls("DescribeStacks")).hasSize(SDK_ATTEMPTS);

    // AND the next look, once CloudFormation answers again, succeeds
    assertThat(deployments.describeStack("gantry-orders")).map(StackDescription::status).contains("UPDATE_COMPLETE");
  }

  @Test
  void a_throttled_create_is_retryable_not_a_refused_change_set() {
    // GIVEN CreateChangeSet throttled beyond the SDK's retries
    stub.throttle("CreateChangeSet", SDK_ATTEMPTS);

    // WHEN / THEN preparing the change set throws a retryable error rather than refusing it
    assertThatThrownBy(() -> deployments.prepareChangeSet(request("gantry-orders", "gantry-s14", APP, List.of("CAPABILITY_IAM"))))
        .isInstanceOfSatisfying(StackOperationException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(stub.calls("CreateChangeSet")).hasSize(SDK_ATTEMPTS);
    assertThat(stub.stackStatus("gantry-orders")).isEmpty();
  }

  @Test
  void access_denied_is_not_retryable_and_names_the_missing_permission() {
    // GIVEN a caller not allowed to describe stacks
    stub.putStack("gantry-orders", "UPDATE_COMPLETE", APP);
    stub.deny("DescribeStacks");

    // WHEN / THEN describing the stack fails at once, not retryable, with CloudFormation's message
    assertThatThrownBy(() -> deployments.describeStack("gantry-orders"))
        .isInstanceOfSatisfying(StackOperationException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageStartingWith("DescribeStacks failed: AccessDenied: User: ")
        .hasMessageContaining("is not authorized to perform: cloudformation:DescribeStacks");
    assertThat(stub.calls("DescribeStacks")).hasSize(1);
  }
}
