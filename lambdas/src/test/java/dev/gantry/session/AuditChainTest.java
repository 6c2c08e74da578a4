package dev.gantry.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.session.keyfile.HmacAuditMac;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit check over entries, the session's head, MACs and anchors, with in-memory keys and anchors. */
class AuditChainTest {
  private static final byte[] KEY = filled(7);
  private final CountingMac mac = new CountingMac(new HmacAuditMac(KEY, "test-key"));
  private final List<AuditEntry> chain = new ArrayList<>();
  private final List<AuditAnchors.Anchor> anchors = new ArrayList<>();
  private String headHash;

  /** Counts verify calls: the happy path should cost one. */
  static final class CountingMac implements AuditMac {
    final AuditMac delegate;
    final AtomicInteger verifications = new AtomicInteger();

    CountingMac(AuditMac delegate) {
      this.delegate = delegate;
    }

    @Override
    public String keyId() {
      return delegate.keyId();
    }

    @Override
    public String mac(String message) {
      return delegate.mac(message);
    }

    @Override
    public boolean verify(String message, String mac) {
      verifications.incrementAndGet();
      return delegate.verify(message, mac);
    }
  }

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  @BeforeEach
  void writeThreeEntries() {
    headHash = append(chain, anchors, mac, 3, "Step");
  }

  /** Appends {@code count} signed, anchored entries to {@code entries}; answers the new head hash. */
  private static String append(List<AuditEntry> entries, List<AuditAnchors.Anchor> anchors, AuditMac key, int count,
      String action) {
    String prev = entries.isEmpty() ? AuditEntry.GENESIS_HASH : entries.get(entries.size() - 1).hash();
    for (int i = 0; i < count; i++) {
      long seq = entries.size();
      AuditEntry entry = AuditEntry.next("s-1", seq, prev, Instant.parse("2026-11-21T10:00:00Z").plusSeconds(seq),
          new AuditEvent("pipeline", action + seq, Map.of("stage", "stage" + seq)));
      entry = entry.withMac(key.mac(entry.macMessage()));
      entries.add(entry);
      if (anchors != null) {
        anchors.add(new AuditAnchors.Anchor(entry.seq(), entry.hash()));
      }
      prev = entry.hash();
    }
    return prev;
  }

  private AuditChain.Verification verify(List<AuditEntry> entries, long headSeq, String head) {
    return AuditChain.verify(entries, headSeq, head, mac, anchors);
  }

  private AuditChain.Verification verify(List<AuditEntry> entries) {
    return verify(entries, 3, headHash);
  }

  @Test
  void an_untouched_chain_verifies_with_one_mac_check() {
    AuditChain.Verification v = verify(chain);

    assertThat(v).isEqualTo(new AuditChain.Verification(true, 3, null, true, "test-key", 3, null));
    assertThat(v.summary()).isEqualTo("chain verified, MACs verified (key test-key), anchored through entry 3");
    assertThat(mac.verifications).hasValue(1);
    assertThat(chain.get(1).prevHash()).isEqualTo(chain.get(0).hash());
  }

  @Test
  void a_changed_detail_is_detected() {
    AuditEntry original = chain.get(1);
    chain.set(1, new AuditEntry(original.sessionId(), original.seq(), original.at(), original.actor(),
        original.action(), Map.of("stage", "forged"), original.prevHash(), original.hash(), original.mac()));

    assertThat(verify(chain).problem()).isEqualTo("hash: entry 2 was changed after it was written");
  }

  @Test
  void a_removed_middle_entry_is_detected() {
    chain.remove(1);

    assertThat(verify(chain).problem()).startsWith("sequence: entry 2 is missing (found 3)");
  }

  @Test
  void a_removed_last_entry_is_detected_against_the_head_and_the_anchors() {
    chain.remove(2);

    AuditChain.Verification v = verify(chain);
    assertThat(v.valid()).isFalse();
    assertThat(v.problem()).isEqualTo("head: the log ends at entry 2 but the session records entry 3; "
        + "truncation: the log ends at entry 2 but entry 3 is anchored: entry 3 was removed");
  }

  @Test
  void a_truncation_with_a_moved_head_is_detected_by_the_anchors() {
    chain.remove(2);

    AuditChain.Verification v = verify(chain, 2, chain.get(1).hash());

    assertThat(v.valid()).isFalse();
    assertThat(v.authenticated()).isTrue();
    assertThat(v.anchoredThrough()).isEqualTo(2);
    assertThat(v.problem()).isEqualTo("truncation: the log ends at entry 2 but entry 3 is anchored: entry 3 was removed");
  }

  @Test
  void a_rewrite_with_recomputed_hashes_and_a_moved_head_but_no_key_fails_the_mac() {
    List<AuditEntry> forged = new ArrayList<>(chain.subList(0, 1));
    String head = append(forged, null, new HmacAuditMac(filled(9), "attacker"), 2, "Forged");

    AuditChain.Verification v = AuditChain.verify(forged, 3, head, mac, List.of());

    assertThat(v.valid()).isFalse();
    assertThat(v.authenticated()).isFalse();
    assertThat(v.problem()).isEqualTo("MAC: entry 2's MAC does not verify with key test-key: it was rewritten, "
        + "or written with another key");
  }

  @Test
  void an_emptied_log_with_its_head_moved_to_zero_is_broken_not_verified() {
    AuditChain.Verification v = AuditChain.verify(List.of(), 0, AuditEntry.GENESIS_HASH, mac, List.of());

    assertThat(v.valid()).isFalse();
    assertThat(v.summary()).startsWith("BROKEN: sequence: the log has no entries");
  }

  @Test
  void a_long_log_with_forged_entries_names_the_first_with_about_log2_n_key_calls_not_n() {
    List<AuditEntry> forged = new ArrayList<>(chain);
    append(forged, null, mac, 997, "Step"); // 1,000 honest entries, then 3 written with another key
    String head = append(forged, null, new HmacAuditMac(filled(9), "attacker"), 3, "Forged");
    mac.verifications.set(0);

    AuditChain.Verification v = AuditChain.verify(forged, forged.size(), head, mac, List.of());

    assertThat(v.problem()).startsWith("MAC: entry 1001's MAC does not verify");
    assertThat(mac.verifications.get()).as("one for the last entry, then a binary search").isLessThanOrEqualTo(12);
  }

  @Test
  void a_rewrite_by_a_key_holder_is_detected_by_the_anchors() {
    List<AuditEntry> forged = new ArrayList<>(chain.subList(0, 1));
    String head = append(forged, null, mac, 2, "Forged");

    AuditChain.Verification v = verify(forged, 3, head);

    assertThat(v.valid()).isFalse();
    assertThat(v.authenticated()).isTrue();
    assertThat(v.anchoredThrough()).isEqualTo(1);
    assertThat(v.problem()).startsWith("anchor: entry 2 differs from its anchor (anchored " + chain.get(1).hash().substring(0, 12))
        .contains("anchor: entry 3 differs from its anchor");
  }

  @Test
  void a_second_anchor_for_one_entry_is_reported() {
    anchors.add(new AuditAnchors.Anchor(2, "e".repeat(64)));

    assertThat(verify(chain).problem()).startsWith("anchor: entry 2 has 2 anchors (");
  }

  @Test
  void entries_after_the_last_anchor_are_noted_not_failed() {
    anchors.removeIf(a -> a.seq() > 1);

    AuditChain.Verification v = verify(chain);

    assertThat(v.valid()).isTrue();
    assertThat(v.anchoredThrough()).isEqualTo(1);
    assertThat(v.note()).isEqualTo("entries 2..3 are not anchored: written but not anchored (e.g. a crash between the two writes)");
    assertThat(v.summary()).endsWith("anchored through entry 1; entries 2..3 are not anchored: written but not anchored "
        + "(e.g. a crash between the two writes)");
  }

  @Test
  void entries_written_before_macs_are_not_authenticated() {
    chain.replaceAll(e -> e.withMac(null));

    AuditChain.Verification v = verify(chain);

    assertThat(v.valid()).isFalse();
    assertThat(v.authenticated()).isFalse();
    assertThat(v.problem()).isEqualTo("MAC: entries 1..3 are not authenticated (written before audit MACs)");
  }

  @Test
  void a_stripped_mac_after_authenticated_entries_is_named() {
    chain.set(2, chain.get(2).withMac(null));

    assertThat(verify(chain).problem()).isEqualTo("MAC: entry 3 has no MAC, though earlier entries have one: "
        + "it was written or rewritten by someone without the key");
  }

  @Test
  void a_rehashed_replacement_does_not_link() {
    AuditEntry forged = AuditEntry.next("s-1", 1, "f".repeat(64), chain.get(1).at(),
        new AuditEvent("intruder", "Step1", Map.of()));
    chain.set(1, forged);

    assertThat(verify(chain).problem()).startsWith("link: entry 2 does not link to the entry before it");
  }
}
