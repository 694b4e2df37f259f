package ai.noether.core.store;

/**
 * What {@link FileCheckpointStore#cleanup} found and fixed in one stage.
 *
 * @param temporaries pending files of interrupted commits that were deleted
 * @param blobs stored copies no manifest referenced any more that were deleted
 * @param names Noether file names that were re-linked to their checkpoint or removed because their
 *     tag no longer lists them
 */
public record CleanupReport(int temporaries, int blobs, int names) {

  /** True if nothing needed fixing. */
  public boolean isClean() {
    return temporaries == 0 && blobs == 0 && names == 0;
  }
}
