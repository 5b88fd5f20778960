package prims

// registry lists every primitive's check-side descriptor. A new primitive
// is its own file here plus one line in this list.
var registry = []*Descriptor{
	&lockDescriptor,
	&eventDescriptor,
	&conditionDescriptor,
	&semaphoreDescriptor,
	&boundedSemaphoreDescriptor,
}
