package dev.gantry.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditChainTest {
  private final List<AuditEntry> chain = new ArrayList<>();
  private String headHash;

  @BeforeEach
  void writeThreeEntries() {
    String prev = AuditEntry.GENESIS_HASH;
    for (int i = 0; i < 3; i++) {
      AuditEntry entry = AuditEntry.next("s-1", i, prev, Instant.parse("2026-11-21T10:00:0" + i + "Z"),
          new AuditEvent("pipeline", "Step" + i, Map.of("stage", "stage" + i)));
      chain.add(entry);
      prev = entry.hash();
    }
    headHash = prev;
  }

  private AuditChain.Verification verify(List<AuditEntry> entries) {
    return AuditChain.verify(entries, 3, headHash);
  }

  @Test
  void an_untouched_chain_verifies() {
    assertThat(verify(chain)).isEqualTo(new AuditChain.Verification(true, 3, null));
    assertThat(chain.get(0).prevHash()).isEqualTo(AuditEntry.GENESIS_HASH);
    assertThat(chain.get(1).prevHash()).isEqualTo(chain.get(0).hash());
  }

  @Test
  void a_changed_detail_is_detected() {
    AuditEntry original = chain.get(1);
    chain.set(1, new AuditEntry(original.sessionId(), original.seq(), original.at(), original.actor(),
        original.action(), Map.of("stage", "forged"), original.prevHash(), original.hash()));

    assertThat(verify(chain).problem()).isEqualTo("entry 2 was changed after it was written");
  }

  @Test
  void a_removed_middle_entry_is_detected() {
    chain.remove(1);

    assertThat(verify(chain).problem()).isEqualTo("entry 2 is missing (found 3)");
  }

  @Test
  void a_removed_last_entry_is_detected_against_the_session_head() {
    chain.remove(2);

    assertThat(verify(chain).valid()).isFalse();
    assertThat(verify(chain).problem()).isEqualTo("the log ends at entry 2 but the session records entry 3");
  }

  @Test
  void a_rehashed_replacement_does_not_link() {
    AuditEntry forged = AuditEntry.next("s-1", 1, "f".repeat(64), chain.get(1).at(),
        new AuditEvent("intruder", "Step1", Map.of()));
    chain.set(1, forged);

    assertThat(verify(chain).problem()).isEqualTo("entry 2 does not link to the entry before it");
  }
}
