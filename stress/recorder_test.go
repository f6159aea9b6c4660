package stress_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/xbeam/xbeam/stress"
)

// The recorders' timestamps order operations as real time did: an
// operation that returned before another was called gets the smaller
// times, and operations whose intervals crossed get times that overlap,
// whatever the order of their events.
func TestRecorderStamps(t *testing.T) {
	before := func(a, b [2]int64) bool { return a[1] < b[0] }
	overlap := func(a, b [2]int64) bool { return a[0] < b[1] && b[0] < a[1] }

	s := stress.StampEvents("c0", "r0", "c1", "r1", "c0", "r0")
	assert.True(t, before(s[0][0], s[1][0]), "sequential: %v", s)
	assert.True(t, before(s[1][0], s[0][1]), "sequential: %v", s)

	// Events with nothing between them: the call of 1 directly after the
	// return of 0 is still later.
	s = stress.StampEvents("c0", "r0", "c1", "r1")
	assert.True(t, before(s[0][0], s[1][0]), "back to back: %v", s)

	for _, events := range [][]string{
		{"c0", "c1", "r0", "r1"},
		{"c0", "c1", "r1", "r0"},
		{"c1", "c0", "r0", "r1"},
		{"c0", "c1", "c2", "r2", "r1", "r0"},
	} {
		s = stress.StampEvents(events...)
		assert.True(t, overlap(s[0][0], s[1][0]), "%v: %v", events, s)
		for c, ops := range s {
			for _, op := range ops {
				assert.Less(t, op[0], op[1], "client %d: call before return: %v", c, s)
			}
		}
	}

	// A call between two others' calls and returns: 2 is called after 0
	// returned but before 1 returned.
	s = stress.StampEvents("c0", "c1", "r0", "c2", "r1", "r2")
	assert.True(t, before(s[0][0], s[2][0]), "%v", s)
	assert.True(t, overlap(s[1][0], s[2][0]), "%v", s)
}
