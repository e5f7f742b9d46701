export { customerCare } from './customerCare';
export { reportDelivery } from './reportDelivery';
export { serviceFailureTicket } from './serviceFailureTicket';
export { vehicleLifecycle } from './vehicleLifecycle';
export { fleetRequest } from './fleetRequest/workflow';
