"""Smaller copies of pictures for srcset, and the copies kept between builds outside any
output folder (sealed with the machine key).

May use: errors, machinekey.
"""
