package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// busyEnv, set in the environment of a copy of this command, makes it spin
// instead of measuring: a process that loads one core.
const busyEnv = "ZENDESK_BENCH_BUSY"

// spin keeps one core busy until killed.
func spin() {
	runtime.GOMAXPROCS(1)
	for { //nolint:staticcheck // spinning is the point
	}
}

// startLoad starts n busy processes and returns what stops them.
func startLoad(n int) (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var procs []*exec.Cmd
	stop = func() {
		for _, p := range procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
	for range n {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), busyEnv+"=1")
		if err := cmd.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("starting a busy process: %w", err)
		}
		procs = append(procs, cmd)
	}
	return stop, nil
}
