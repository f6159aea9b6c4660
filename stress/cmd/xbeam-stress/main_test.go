package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-target", "nosuch"},
		{"-duration", "0s"},
		{"-producers", "-1"},
		{"extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (stderr %q)", args, code, errOut.String())
		}
	}
}

// Every target runs at least one chunk, even with a tiny duration, and
// passes on xbeam's structures.
func TestEveryTargetPasses(t *testing.T) {
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"-target", tg.name, "-duration", "1ms", "-seed", "7"}, &out, &errOut)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tg.name+": PASS") {
				t.Fatalf("no PASS summary:\n%s", out.String())
			}
		})
	}
}

// A violation exits 1 and prints the failure and a command line that
// replays the failing chunk.
func TestViolationReportsReproduction(t *testing.T) {
	chunks := 0
	planted := &target{name: "planted", chunk: func(tb testing.TB, e *chunkEnv) {
		chunks++
		if e.k == 3 {
			tb.Fatalf("planted violation in chunk %d", e.k)
		}
	}}
	targets = append(targets, planted)
	defer func() { targets = targets[:len(targets)-1] }()
	var out, errOut bytes.Buffer
	code := run([]string{"-target", "planted", "-duration", "1m", "-seed", "42", "-producers", "3"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out.String())
	}
	for _, want := range []string{
		"planted violation in chunk 3",
		"VIOLATION in chunk 3:",
		"-target planted -seed 42 -start 3 -duration 1m0s -producers 3",
		"FAIL: 1 of 1 targets",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if chunks != 4 {
		t.Errorf("ran %d chunks, want 4 (stop at the first violation)", chunks)
	}
	// -start replays the failing chunk first.
	chunks = 0
	out.Reset()
	if code := run([]string{"-target", "planted", "-duration", "1m", "-seed", "42", "-start", "3"}, &out, &errOut); code != 1 || chunks != 1 {
		t.Errorf("-start 3: exit %d after %d chunks, want 1 after 1", code, chunks)
	}
}

// The configuration of a chunk depends only on the seed and its number.
func TestChunkConfigIsDeterministic(t *testing.T) {
	cfg := config{seed: 99}
	a, b := newChunkEnv(cfg, 5, nil), newChunkEnv(cfg, 5, nil)
	if a.String() != b.String() {
		t.Fatalf("%s != %s", a, b)
	}
	if c := newChunkEnv(cfg, 6, nil); c.String() == a.String() {
		t.Fatalf("chunks 5 and 6 drew the same configuration %s", a)
	}
}

func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	cfg := config{target: "deque", duration: 500 * time.Millisecond, seed: 1, out: &out, progressEvery: 50 * time.Millisecond,
		stall: 20 * time.Second, artifacts: t.ArtifactDir()}
	if passed, _ := soak(findTarget("deque"), cfg); !passed {
		t.Fatalf("deque soak failed:\n%s", out.String())
	}
	if n := strings.Count(out.String(), "ops/s"); n < 1 {
		t.Fatalf("no progress line in 500ms at one per 50ms:\n%s", out.String())
	}
}

// A target that stops making progress is a violation: the soak reports "no
// progress" with the goroutines' stacks and stops the whole run, instead
// of running on at 0 ops/s.
func TestStallStopsTheRun(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hung := &target{name: "hung", chunk: func(tb testing.TB, e *chunkEnv) {
		e.stats.Ops.Add(1)
		<-release // stuck inside the structure, where no check can see it
	}}
	saved := targets
	targets = []*target{hung, {name: "after", chunk: func(testing.TB, *chunkEnv) {
		t.Error("a target ran after a stuck one")
	}}}
	defer func() { targets = saved }()
	var out, errOut bytes.Buffer
	start := time.Now()
	code := run([]string{"-target", "all", "-duration", "1m", "-stall", "100ms"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"no progress for", "goroutine ", "hung made no progress", "-stall 100ms"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("stopped after %v", time.Since(start))
}
