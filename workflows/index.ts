export { vehicleLifecycle } from './vehicleLifecycle';
