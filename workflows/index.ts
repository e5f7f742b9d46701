export { serviceFailureTicket } from './serviceFailureTicket';
export { vehicleLifecycle } from './vehicleLifecycle';
