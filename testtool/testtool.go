// Package testtool is how a test says it needs something from outside
// the repository (a command, a font, a package from npm, a root mount):
// without it the test skips on a laptop, saying how to install it, and
// fails when CI is set, where .ci/run installs everything.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Missing ends the test for want of what: a failure under CI, else a
// skip that says how to get it.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing; .ci/run installs it (%s)", what, install)
	}
	t.Skipf("%s is missing (%s); skipping", what, install)
}

// Command finds the first of names on the PATH, or ends the test as
// Missing.
func Command(t testing.TB, install string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, names[0], install)
	return ""
}
