package forkjoin

import "fmt"

// PanicError is the value with which Pool.Run panics when a task of its
// call panicked: the first such panic's value and the stack of the
// goroutine at the point of the panic (the worker's, not the caller's).
type PanicError struct {
	// Value is the value the task passed to panic.
	Value any
	// Stack is the panicking task's stack trace, as runtime/debug.Stack
	// formats it.
	Stack []byte
}

// Error implements error: the value and the task's stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("forkjoin: task panicked: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns Value if it is an error, so that errors.Is and errors.As
// see through the wrapping.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// abandoned is the panic value with which a joiner unwinds when the task
// it joined was abandoned because its call had already failed: it stops
// the failed computation without being reported as a second panic.
type abandoned struct{}
