/*
 * runs_export.h: the run ledger (ledger.h) in other shapes: MLflow's file
 * store, so that "mlflow ui --backend-store-uri DIR" shows the runs, and a
 * self-contained HTML page comparing them.  Both export the latest row of
 * each run id.
 */
#ifndef RS_RUNS_EXPORT_H
#define RS_RUNS_EXPORT_H

#include <stdio.h>

#include "ledger.h"
#include "rs_err.h"

/*
 * Writes the ledger as an MLflow file store in dir, following MLflow's
 * FileStore layout: dir/.trash/, one experiment dir/0/ ("recsys-ecom",
 * its meta.yaml), and per run dir/0/RUN/ with meta.yaml (status FINISHED,
 * start and end times in ms), params/NAME (the value, no newline),
 * metrics/NAME (one line "END_MS VALUE 0"; the report's, the replay's and
 * the stages' figures), tags/NAME (mlflow.runName, mlflow.source.git.commit,
 * the input and artifact checksums) and an empty artifacts/.  RUN is the
 * run id with any character MLflow does not allow in a run id replaced by
 * "_", and "r" before it when it does not start with a letter or digit;
 * names keep only [A-Za-z0-9_.-/ ], others become "_".
 *
 * The tree is built in a temporary directory beside dir and renamed into
 * place; a dir that exists must be an earlier export (it holds 0/meta.yaml
 * and .trash), which is then replaced whole.  EX_CANTCREAT when dir exists
 * and is something else or cannot be written.
 */
int runs_mlflow_write(const ledger *l, const char *dir, rs_err *e);

/*
 * Writes an HTML page comparing the runs: their parameters (those that
 * differ among the runs first), their metrics side by side with the best
 * (highest) value of each rate (a name with "_at_") highlighted when the
 * runs do not all share it, and each run's total stage time and peak
 * memory.  No script,
 * no external resource.
 */
void runs_html_write(FILE *fp, const ledger *l, const char *title);

#endif
