package postgres

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Processes lists the cluster's postmaster and its children (backends and background workers),
// read from postmaster.pid and /proc. The fault tests signal them all to freeze the server
// (SIGSTOP), as a network that stops answering would, and to thaw it (SIGCONT).
func (c *Cluster) Processes() ([]int, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return nil, fmt.Errorf("postgres: cluster processes: %w", err)
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return nil, fmt.Errorf("postgres: cluster processes: postmaster.pid: %w", err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("postgres: cluster processes: %w", err)
	}
	pids := []int{pm}
	parent := strconv.Itoa(pm)
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // not a process, or one that has just ended
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after its closing paren.
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i >= 0 {
			if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == parent {
				if pid, err := strconv.Atoi(e.Name()); err == nil {
					pids = append(pids, pid)
				}
			}
		}
	}
	return pids, nil
}
