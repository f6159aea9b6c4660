package deque

import "strconv"

// Status is the outcome of a steal.
type Status int

const (
	// Empty reports that the source was observed empty: there was nothing to
	// steal at the moment the stealer looked.
	Empty Status = iota
	// Success reports that at least one item was taken.
	Success
	// Retry reports that the stealer lost a race (with the owner, another
	// stealer, or a buffer swap) and took nothing; the source may not be
	// empty, so trying again may succeed. Retry is never returned for a
	// source observed empty.
	Retry
)

// String returns "Empty", "Success" or "Retry" ("Status(n)" for other values).
func (s Status) String() string {
	switch s {
	case Empty:
		return "Empty"
	case Success:
		return "Success"
	case Retry:
		return "Retry"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}
