# Function calls: curried and formals-taking lambdas in doubly recursive
# numeric kernels (Ackermann, Takeuchi, naive Fibonacci); little else.
let
  ack = m: n:
    if m == 0 then n + 1
    else if n == 0 then ack (m - 1) 1
    else ack (m - 1) (ack m (n - 1));
  tak = x: y: z:
    if y < x then tak (tak (x - 1) y z) (tak (y - 1) z x) (tak (z - 1) x y)
    else z;
  fib = { n }: if n < 2 then n else fib { n = n - 1; } + fib { n = n - 2; };
in
{
  ack = ack 3 7;
  tak = tak 22 14 6;
  fib = fib { n = 25; };
}
