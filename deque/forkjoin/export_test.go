package forkjoin

import "fmt"

// Test hooks, for the black-box tests in package forkjoin_test.

// Parked returns the number of workers parked on the pool's event count.
func Parked(p *Pool) int { return p.idle.Waiters() }

// Published returns the number of published frames of the worker running
// c's task, and its join depth.
func Published(c *Ctx) (pub, depth int) { return c.pub, c.depth }

// CheckFrames returns an error if the private frames of c's worker,
// frames[pub:depth], include one that is not a pending fork.
func CheckFrames(c *Ctx) error {
	if c.pub > c.depth {
		return fmt.Errorf("pub %d > depth %d", c.pub, c.depth)
	}
	for d := c.pub; d < c.depth; d++ {
		if f := c.frames[d]; f.fn == nil && !f.isFor && (f.ext == nil || !f.ext.pending()) {
			return fmt.Errorf("private frame %d of %d has no task", d, c.depth)
		}
	}
	return nil
}
