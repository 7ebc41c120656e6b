#!/usr/bin/env bash
# Plots the CSV files the examples write (`<example> --csv DIR`) to PNG files beside them, with
# gnuplot (Debian: apt-get install gnuplot-nox). Column 1 is the x axis, every other column a curve
# titled by its header. Usage: examples/plot.sh DIR
set -euo pipefail

dir=${1:-}
if [[ -z "$dir" || ! -d "$dir" ]]; then
  echo "usage: $0 DIR   (a directory holding the examples' CSV files)" >&2
  exit 2
fi
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot.sh: gnuplot is not installed (apt-get install gnuplot-nox); the CSV files are in $dir" >&2
  exit 1
fi

shopt -s nullglob
files=("$dir"/*.csv)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "plot.sh: no CSV files in $dir" >&2
  exit 1
fi

for csv in "${files[@]}"; do
  name=$(basename "$csv" .csv)
  header=$(head -n 1 "$csv")
  columns=$(awk -F, '{ print NF; exit }' "$csv")
  xlabel=${header%%,*}
  extra=""
  plot="plot for [i=2:$columns] '$csv' using 1:i with linespoints pointsize 0.5"
  case "$name" in
    newton_rosenbrock)  # the path of the iterates in the plane
      xlabel=x; extra="set ylabel 'y'"
      plot="plot '$csv' using 2:3 with linespoints title 'Newton iterates'" ;;
    newton_barrier) extra="set logscale x" ;;
    ode_fit) extra="set logscale y" ;;
  esac
  gnuplot <<EOF
set terminal pngcairo size 800,500 noenhanced
set output '$dir/$name.png'
set datafile separator ','
set key autotitle columnhead
set title '$name'
set xlabel '$xlabel'
set grid
$extra
$plot
EOF
  echo "wrote $dir/$name.png"
done
