"""`flask a3 print` and `flask contracts print`: every agreed document of a year to a directory."""
import click
from flask.cli import AppGroup

a3_cli = AppGroup("a3", help="Perjanjian A3.")
contracts_cli = AppGroup("contracts", help="Perjanjian Kinerja.")
