package stress

// noCopy makes go vet's copylocks check report copies of the types that
// embed it (see sync.noCopy).
type noCopy struct{}

// Lock is a no-op used by go vet's copylocks check.
func (*noCopy) Lock() {}

// Unlock is a no-op used by go vet's copylocks check.
func (*noCopy) Unlock() {}
