export { customerCare } from './customerCare';
export { serviceFailureTicket } from './serviceFailureTicket';
export { vehicleLifecycle } from './vehicleLifecycle';
