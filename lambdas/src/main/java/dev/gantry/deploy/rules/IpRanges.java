package dev.gantry.deploy.rules;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * CIDR blocks as address ranges, so that {@code 0.0.0.0/0}, {@code ::0/0}, and {@code 0.0.0.0/1}
 * with {@code 128.0.0.0/1} are all seen as the internet. A set of blocks is "internet-wide" when it
 * covers at least 1/256 of the public address space of its family (a {@code /8} of public IPv4, a
 * {@code /11} of global unicast IPv6); private and reserved ranges do not count. Parsing never
 * resolves a name: only literal addresses are read.
 *
 * <p>Sources: RFC 4632 (CIDR), RFC 4291 (IPv6 addressing, text forms), RFC 1918 and RFC 6890
 * (private and special-purpose ranges).
 */
final class IpRanges {
  /** An address family. */
  enum Family {
    IPV4(32, "IPv4"),
    IPV6(128, "IPv6");

    final int bits;
    final String label;

    Family(int bits, String label) {
      this.bits = bits;
      this.label = label;
    }

    BigInteger size() {
      return BigInteger.ONE.shiftLeft(bits);
    }
  }

  /** A block {@code [first, last]} of one family, as written in the template. */
  record Range(Family family, BigInteger first, BigInteger last, String text) {
    BigInteger size() {
      return last.subtract(first).add(BigInteger.ONE);
    }
  }

  private static final List<Range> NOT_PUBLIC =
      List.of(
          parse("0.0.0.0/8"), parse("10.0.0.0/8"), parse("100.64.0.0/10"), parse("127.0.0.0/8"),
          parse("169.254.0.0/16"), parse("172.16.0.0/12"), parse("192.168.0.0/16"), parse("224.0.0.0/3"),
          parse("::/3"), parse("4000::/2"), parse("8000::/1"));

  private IpRanges() {}

  /** {@code cidr} as a range, or null when it is not a literal IPv4 or IPv6 CIDR block. */
  static Range parse(String cidr) {
    String text = cidr.strip();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    try {
      BigInteger value;
      Family family;
      if (address.contains(":")) {
        value = ipv6(address.toLowerCase(Locale.ROOT));
        family = Family.IPV6;
      } else {
        value = ipv4(address);
        family = Family.IPV4;
      }
      if (value == null) {
        return null;
      }
      int prefix = slash < 0 ? family.bits : Integer.parseInt(text.substring(slash + 1).strip());
      if (prefix < 0 || prefix > family.bits) {
        return null;
      }
      BigInteger hostMask = BigInteger.ONE.shiftLeft(family.bits - prefix).subtract(BigInteger.ONE);
      BigInteger first = value.andNot(hostMask);
      return new Range(family, first, first.or(hostMask), text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static BigInteger ipv4(String address) {
    String[] octets = address.split("\\.", -1);
    if (octets.length != 4) {
      return null;
    }
    long value = 0;
    for (String octet : octets) {
      if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)) {
        return null;
      }
      int n = Integer.parseInt(octet);
      if (n > 255) {
        return null;
      }
      value = value << 8 | n;
    }
    return BigInteger.valueOf(value);
  }

  private static BigInteger ipv6(String address) {
    int doubleColon = address.indexOf("::");
    if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    List<Integer> head = groups(doubleColon < 0 ? address : address.substring(0, doubleColon));
    List<Integer> tail = doubleColon < 0 ? List.of() : groups(address.substring(doubleColon + 2));
    if (head == null || tail == null) {
      return null;
    }
    int missing = 8 - head.size() - tail.size();
    if (doubleColon < 0 ? missing != 0 : missing < 1) {
      return null;
    }
    BigInteger value = BigInteger.ZERO;
    List<Integer> all = new ArrayList<>(head);
    for (int i = 0; i < (doubleColon < 0 ? 0 : missing); i++) {
      all.add(0);
    }
    all.addAll(tail);
    for (int group : all) {
      value = value.shiftLeft(16).or(BigInteger.valueOf(group));
    }
    return value;
  }

  /** The 16-bit groups of {@code part}, a dotted IPv4 tail counting as two; null when malformed. */
  private static List<Integer> groups(String part) {
    List<Integer> out = new ArrayList<>();
    if (part.isEmpty()) {
      return out;
    }
    String[] pieces = part.split(":", -1);
    for (int i = 0; i < pieces.length; i++) {
      String piece = pieces[i];
      if (i == pieces.length - 1 && piece.contains(".")) {
        BigInteger v4 = ipv4(piece);
        if (v4 == null) {
          return null;
        }
        out.add(v4.intValue() >>> 16);
        out.add(v4.intValue() & 0xffff);
      } else if (piece.isEmpty() || piece.length() > 4 || !piece.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        return null;
      } else {
        out.add(Integer.parseInt(piece, 16));
      }
    }
    return out;
  }

  /** How many public addresses the union of {@code ranges} (one family) covers. */
  static BigInteger publicAddresses(List<Range> ranges) {
    List<Range> union = union(ranges);
    BigInteger total = BigInteger.ZERO;
    for (Range r : union) {
      total = total.add(r.size());
      for (Range p : NOT_PUBLIC) {
        if (p.family() == r.family()) {
          BigInteger first = r.first().max(p.first());
          BigInteger last = r.last().min(p.last());
          if (first.compareTo(last) <= 0) {
            total = total.subtract(last.subtract(first).add(BigInteger.ONE));
          }
        }
      }
    }
    return total;
  }

  /** How many public addresses {@code family} has. */
  static BigInteger publicAddresses(Family family) {
    return publicAddresses(List.of(new Range(family, BigInteger.ZERO, family.size().subtract(BigInteger.ONE), "")));
  }

  /** Whether the union of {@code ranges} (one family) covers every address of the family. */
  static boolean everything(List<Range> ranges) {
    List<Range> union = union(ranges);
    return union.size() == 1 && union.get(0).first().signum() == 0
        && union.get(0).last().equals(union.get(0).family().size().subtract(BigInteger.ONE));
  }

  /** Whether the union of {@code ranges} (one family) is open to the internet at large. */
  static boolean internetWide(List<Range> ranges) {
    if (ranges.isEmpty()) {
      return false;
    }
    Family family = ranges.get(0).family();
    return publicAddresses(ranges).shiftLeft(8).compareTo(publicAddresses(family)) >= 0;
  }

  /** The share of the family's public addresses {@code ranges} covers, in percent, rounded down. */
  static int publicPercent(List<Range> ranges) {
    Family family = ranges.get(0).family();
    return publicAddresses(ranges).multiply(BigInteger.valueOf(100)).divide(publicAddresses(family)).intValue();
  }

  private static List<Range> union(List<Range> ranges) {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparing(Range::first));
    List<Range> out = new ArrayList<>();
    for (Range r : sorted) {
      Range last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r.first().compareTo(last.last().add(BigInteger.ONE)) <= 0) {
        if (r.last().compareTo(last.last()) > 0) {
          out.set(out.size() - 1, new Range(last.family(), last.first(), r.last(), last.text()));
        }
      } else {
        out.add(r);
      }
    }
    return out;
  }
}
