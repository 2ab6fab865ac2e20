x:
if x > 0
then "positive"
