package forkjoin

// Test hooks, for the black-box tests in package forkjoin_test.

// Parked returns the number of workers parked on the pool's event count.
func Parked(p *Pool) int { return p.idle.Waiters() }

// Published returns the number of published frames of the worker running
// c's task, and its join depth.
func Published(c *Ctx) (pub, depth int) { return c.pub, c.depth }
