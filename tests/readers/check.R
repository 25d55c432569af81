# Reads every CSV listed in EXPECTED.tsv (written by check.py) with R's
# read.csv, as an analyst would call it, and checks that it reads without
# error, with the rows and columns of the file, each column of the class
# its text calls for (int: integer or numeric; float: numeric; bool:
# logical; string: character) and NA exactly at the empty cells of the
# number and boolean columns.
#
#   Rscript tests/readers/check.R EXPECTED.tsv
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: check.R EXPECTED.tsv")
want <- read.delim(args[1], colClasses = "character", quote = "")
failures <- character(0)
fail <- function(file, msg) failures <<- c(failures, paste0(file, ": ", msg))
files <- unique(want$file)
for (f in files) {
  w <- want[want$file == f, ]
  df <- tryCatch(read.csv(f), error = function(e) e, warning = function(e) e)
  if (inherits(df, "condition")) {
    fail(f, paste("read.csv:", conditionMessage(df)))
    next
  }
  rows <- as.integer(w$rows[1])
  if (nrow(df) != rows || ncol(df) != nrow(w)) {
    fail(f, sprintf("read.csv: %d x %d, the file has %d x %d", nrow(df), ncol(df), rows, nrow(w)))
    next
  }
  for (i in seq_len(nrow(w))) {
    x <- df[[i]]
    kind <- w$kind[i]
    cls <- class(x)
    good <- switch(kind,
      string = is.character(x),
      bool = is.logical(x),
      int = is.integer(x) || is.double(x),
      float = is.double(x),
      empty = all(is.na(x) | x == ""))
    if (!good) {
      fail(f, sprintf("%s (%s) read as %s", w$name[i], kind, cls))
      next
    }
    if (kind %in% c("int", "float", "bool") && sum(is.na(x)) != as.integer(w$empty[i])) {
      fail(f, sprintf("%s: %d NA for %s empty cells", w$name[i], sum(is.na(x)), w$empty[i]))
    }
  }
}
if (length(failures) > 0) {
  writeLines(failures, con = stderr())
  cat(sprintf("check.R: %d failures in %d files\n", length(failures), length(files)), file = stderr())
  quit(status = 1)
}
cat(sprintf("check.R: %d files read by %s read.csv: ok\n", length(files), R.version.string))
