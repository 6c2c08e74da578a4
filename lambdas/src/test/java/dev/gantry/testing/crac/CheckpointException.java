package dev.gantry.testing.crac;

/** A checkpoint failed; the resources' exceptions are suppressed in it. */
public class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;
}
