/**
 * Device selection: turns the run's {@link ai.noether.api.run.DeviceSpec} into a DJL {@link
 * ai.djl.Device}, preferring CUDA when the engine sees a GPU.
 */
package ai.noether.djl.device;
