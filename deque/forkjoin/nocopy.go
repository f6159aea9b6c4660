package forkjoin

// noCopy may be embedded in structs that must not be copied after first use;
// go vet's copylocks check reports copies. See https://golang.org/issues/8005.
type noCopy struct{}

// Lock is a no-op used by go vet's copylocks checker.
func (*noCopy) Lock() {}

// Unlock is a no-op used by go vet's copylocks checker.
func (*noCopy) Unlock() {}
