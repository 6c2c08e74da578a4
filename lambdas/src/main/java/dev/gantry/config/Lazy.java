package dev.gantry.config;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value built on its first {@link #get()} and reused after: how a Lambda role defers the SDK
 * clients its first request does not need, so that neither its init nor a SnapStart restore pays
 * for them. Thread-safe: the factory runs at most once, even when threads race to the first get.
 *
 * @param <T> the value's type
 */
public final class Lazy<T> implements Supplier<T> {
  private final Supplier<? extends T> factory;
  private volatile T value;

  private Lazy(Supplier<? extends T> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /** A value {@code factory} builds on first use; the factory must not answer null. */
  public static <T> Lazy<T> of(Supplier<? extends T> factory) {
    return new Lazy<>(factory);
  }

  @Override
  public T get() {
    T built = value;
    if (built == null) {
      synchronized (this) {
        built = value;
        if (built == null) {
          built = Objects.requireNonNull(factory.get(), "the factory answered null");
          value = built;
        }
      }
    }
    return built;
  }

  /** Whether the value has been built (priming reports which clients a role built at init). */
  public boolean isBuilt() {
    return value != null;
  }
}
