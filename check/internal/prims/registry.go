package prims

// registry lists every primitive's check-side descriptor. A new primitive
// is its own file here plus one line in this list. (It is filled in init:
// the descriptors' adapters look themselves up in it.)
var registry []*Descriptor

func init() {
	registry = []*Descriptor{
		&lockDescriptor,
		&eventDescriptor,
		&conditionDescriptor,
		&semaphoreDescriptor,
		&boundedSemaphoreDescriptor,
		&queueDescriptor,
		&lifoQueueDescriptor,
		&priorityQueueDescriptor,
		&barrierDescriptor,
		&weightedDescriptor,
	}
}
