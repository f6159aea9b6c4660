package stress_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeT is a testing.TB that records failures instead of failing the test,
// so that the self-tests can require a check to fail. Fatal and FailNow end
// the calling goroutine, as in testing; run checks on it with expectFailure.
type fakeT struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	msgs   []string
}

func (f *fakeT) Helper()             {}
func (f *fakeT) Log(args ...any)     {}
func (f *fakeT) Logf(string, ...any) {}
func (f *fakeT) Fail()               { f.mu.Lock(); f.failed = true; f.mu.Unlock() }
func (f *fakeT) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}
func (f *fakeT) Error(args ...any) { f.record(fmt.Sprint(args...)) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.record(fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatal(args ...any) { f.record(fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.record(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeT) FailNow() { f.Fail(); runtime.Goexit() }
func (f *fakeT) record(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
	f.msgs = append(f.msgs, msg)
}

// run runs check against a fakeT and returns its messages, joined, and
// whether it failed.
func run(t *testing.T, check func(tb testing.TB)) (string, bool) {
	f := &fakeT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(f)
	}()
	<-done
	return strings.Join(f.msgs, "\n"), f.Failed()
}

// expectFailure requires check to fail with a message containing want.
func expectFailure(t *testing.T, want string, check func(tb testing.TB)) string {
	t.Helper()
	msg, failed := run(t, check)
	if !failed {
		t.Fatalf("the check passed; want a failure mentioning %q", want)
	}
	if !strings.Contains(msg, want) {
		t.Fatalf("the check failed without mentioning %q:\n%s", want, msg)
	}
	// A linearizability failure must point at a visualization that exists;
	// remove it so that the self-tests do not litter the temp directory.
	const marker = "visualization (open in a browser): "
	if i := strings.Index(msg, marker); i >= 0 {
		path, _, _ := strings.Cut(msg[i+len(marker):], "\n")
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the visualization was not written: %v", err)
		}
		os.Remove(path)
	} else if strings.Contains(msg, "not linearizable") {
		t.Fatalf("a linearizability failure without a visualization:\n%s", msg)
	}
	return msg
}
