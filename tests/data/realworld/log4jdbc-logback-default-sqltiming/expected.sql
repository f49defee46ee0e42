select shop0_.id as id1_0_0_, shop0_.employees_number as employee2_0_0_, shop0_.name as name3_0_0_ 
from shops shop0_ where shop0_.id=7
