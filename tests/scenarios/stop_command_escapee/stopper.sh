#!/bin/sh
echo stop_command ran > stopper.ran
