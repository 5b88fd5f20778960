package model

// registry lists every primitive's descriptor, in a stable order: the
// order of Primitives, of the CLI's lists and of the generated tables.
// A new primitive is its own files plus one line here.
var registry = []*Descriptor{
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

// Primitives lists every primitive with a model, in the registry's order.
var Primitives = primitives()

func primitives() []Primitive {
	out := make([]Primitive, len(registry))
	for i, d := range registry {
		out[i] = d.Primitive
	}
	return out
}
