export { customerCare } from './care/workflow';
export { reportDelivery } from './reportDelivery';
export { serviceFailureTicket } from './failureTicket/workflow';
export { vehicleLifecycle } from './lifecycle/workflow';
export { fleetRequest } from './fleetRequest/workflow';
