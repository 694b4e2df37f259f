package ai.noether.djl.device;

import ai.noether.api.NoetherException;

/** The configured device does not exist on this machine; the message says which ones do. */
public class DeviceUnavailableException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }
}
