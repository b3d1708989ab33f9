package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ensureTools makes sure wrk and nginx are on PATH. As root it installs the missing Debian
// packages; otherwise it says what to install, because a benchmark must not ask for sudo.
func ensureTools() error {
	var missing []string
	if _, err := exec.LookPath("wrk"); err != nil {
		missing = append(missing, "wrk")
	}
	if nginxPath() == "" {
		missing = append(missing, "nginx-light")
	}
	if len(missing) == 0 {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s not installed: run `sudo apt-get install %s` (Debian/Ubuntu), then make bench again",
			strings.Join(missing, " and "), strings.Join(missing, " "))
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("%s not installed and no apt-get to install them with", strings.Join(missing, " and "))
	}
	fmt.Fprintf(os.Stderr, "httpbench: installing %s with apt-get\n", strings.Join(missing, " "))
	if err := aptInstall(missing); err != nil {
		// The package lists may be missing or stale (a fresh container has none): update once.
		if err := aptGet("update"); err != nil {
			return err
		}
		if err := aptInstall(missing); err != nil {
			return err
		}
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk still missing after apt-get install")
	}
	if nginxPath() == "" {
		return errors.New("nginx still missing after apt-get install")
	}
	return nil
}

// aptInstall installs pkgs, falling back from nginx-light (smaller; gone from newer Debian
// releases) to nginx.
func aptInstall(pkgs []string) error {
	err := aptGet(append([]string{"install", "-y", "--no-install-recommends"}, pkgs...)...)
	if err == nil {
		return nil
	}
	for i, p := range pkgs {
		if p == "nginx-light" {
			alt := append(append([]string{}, pkgs[:i]...), "nginx")
			alt = append(alt, pkgs[i+1:]...)
			if aptGet(append([]string{"install", "-y", "--no-install-recommends"}, alt...)...) == nil {
				return nil
			}
		}
	}
	return err
}

func aptGet(args ...string) error {
	// Not ended on Ctrl-C by this program: a dpkg run cut short leaves the system half-installed.
	cmd := exec.Command("apt-get", append([]string{"-q"}, args...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// nginxPath finds nginx on PATH or in /usr/sbin, which is not on every user's PATH.
func nginxPath() string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	return ""
}
