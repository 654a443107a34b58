//! Native built-in functions (§7); `stdlib/*.theta` holds the library written in Theta.
