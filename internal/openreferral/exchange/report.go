package exchange

import (
	"fmt"
	"io"
)

// WriteText writes the dry run as plain text: for the command line.
func (p Plan) WriteText(w io.Writer) {
	added, changed := 0, 0
	for _, c := range p.Changes {
		if c.Action == "add" {
			added++
		} else {
			changed++
		}
	}
	fmt.Fprintf(w, "%s: %d to add, %d to change, %d unchanged, %d problems\n", p.File, added, changed, p.Unchanged, len(p.Problems))
	for _, c := range p.Changes {
		fmt.Fprintf(w, "\n%s %s: %s (%s)\n", c.Action, c.Entity, c.Name, c.Where)
		for _, f := range c.Fields {
			if c.Action == "add" {
				fmt.Fprintf(w, "  %s: %q\n", f.Field, f.After)
			} else {
				fmt.Fprintf(w, "  %s: %q -> %q\n", f.Field, f.Before, f.After)
			}
		}
	}
	if len(p.Problems) > 0 {
		fmt.Fprintln(w, "\nproblems:")
		for _, pr := range p.Problems {
			WriteProblem(w, pr)
		}
	}
	for _, f := range p.Ignored {
		fmt.Fprintf(w, "not read: %s (the directory does not keep these)\n", f)
	}
}

// WriteProblem writes one problem on a line.
func WriteProblem(w io.Writer, pr Problem) {
	if pr.Column != "" {
		fmt.Fprintf(w, "  %s, column %s: %s\n", pr.Where, pr.Column, pr.Message)
	} else {
		fmt.Fprintf(w, "  %s: %s\n", pr.Where, pr.Message)
	}
}
