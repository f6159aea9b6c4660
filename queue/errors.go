package queue

import "errors"

// ErrClosed is returned by Push and Pop once the queue is closed (for Pop:
// closed and drained). Compare with errors.Is.
var ErrClosed = errors.New("queue: closed")
